// Winograd F(m x m, 3 x 3) convolution (3x3, stride 1, dilation 1, group 1), WINO_M = 2 or 4
// (tile T = WINO_M + 2): MACE's three-kernel scheme.
//   1. winograd_input_transform: each T x T input tile d (stride WINO_M, with padding) of 4
//      channels -> U = B^T d B, T*T pixels of image U [tiles, T*T * ceil(C/4)]: pixel
//      (tile, k * ch_blks + cb), k = row * T + col.
//   2. winograd_gemm: per position k, M_k [O, tiles] = V_k [O, C] x U_k [C, tiles], with the
//      transformed filter V (G g G^T) in image [C, ceil(O/4) * T*T]: pixel (c, ob * T*T + k).
//      Work item = 4 output channels x 4 tiles (interleaved). M image [tiles, T*T * ceil(O/4)]:
//      pixel (tile, k * out_ch_blks + ob).
//   3. winograd_output_transform: Y tile = A^T M A + bias, activation, WINO_M x WINO_M outputs.
// Tiles are numbered (n * tiles_h + th) * tiles_w + tw.
//
// Precision: the transforms scale values by up to 8 (F(4x4): B^T rows sum |b| to 10, A^T to 19)
// and then cancel, so rounding the transformed domain to half loses digits that direct conv keeps
// (measured on half images with F(4x4): outputs off by up to 5% of their scale with V, U and M in
// half; within the direct conv's 1e-2 with them in float). These kernels therefore compute in
// float, and V, U and M are float images whatever the engine's storage; only the input and
// output activation images use it.
//
// Input channels past C in the last block may hold anything (NaN included); their U lanes are
// never accumulated (the GEMM peels the last block when C % 4 != 0).

#define T (WINO_M + 2)

#if WINO_M == 2
// B^T x for a column/row of 4.
#define BT(d0, d1, d2, d3, r0, r1, r2, r3) \
  r0 = d0 - d2;                            \
  r1 = d1 + d2;                            \
  r2 = d2 - d1;                            \
  r3 = d1 - d3;
// A^T x: 4 -> 2.
#define AT(m0, m1, m2, m3, o0, o1) \
  o0 = m0 + m1 + m2;               \
  o1 = m1 - m2 - m3;
#elif WINO_M == 4
#define BT6(d0, d1, d2, d3, d4, d5, r0, r1, r2, r3, r4, r5)      \
  r0 = (float)4 * d0 - (float)5 * d2 + d4;               \
  r1 = d3 + d4 - (float)4 * (d1 + d2);                       \
  r2 = (float)4 * (d1 - d2) - d3 + d4;                       \
  r3 = (float)2 * (d3 - d1) - d2 + d4;                       \
  r4 = (float)2 * (d1 - d3) - d2 + d4;                       \
  r5 = (float)4 * d1 - (float)5 * d3 + d5;
#define AT6(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3)  \
  o0 = m0 + m1 + m2 + m3 + m4;                       \
  o1 = m1 - m2 + (float)2 * (m3 - m4);           \
  o2 = m1 + m2 + (float)4 * (m3 + m4);           \
  o3 = m1 - m2 + (float)8 * (m3 - m4) + m5;
#else
#error "WINO_M must be 2 or 4"
#endif

__kernel void winograd_input_transform(__read_only image2d_t input,
                                       __write_only image2d_t output,  // U
                                       const int in_height, const int in_width, const int ch_blks,
                                       const int tiles_h, const int tiles_w, const int tiles_hb,  // N * tiles_h
                                       const int pad_top, const int pad_left) {
  const int cb = get_global_id(0);
  const int tw = get_global_id(1);
  const int thb = get_global_id(2);
  if (cb >= ch_blks || tw >= tiles_w || thb >= tiles_hb) return;
  const int n = thb / tiles_h;
  const int th = thb - mul24(n, tiles_h);
  const int ih0 = mad24(th, WINO_M, -pad_top);
  const int iw0 = mad24(tw, WINO_M, -pad_left);
  const int in_x = mul24(cb, in_width);
  const int in_y = mul24(n, in_height);

  float4 d[T][T];
#pragma unroll
  for (int i = 0; i < T; ++i) {
    const int ih = ih0 + i;
    const int y = ih < 0 || ih >= in_height ? -1 : in_y + ih;
#pragma unroll
    for (int j = 0; j < T; ++j) {
      const int iw = iw0 + j;
      d[i][j] = read_imagef(input, kSampler, (int2)(iw < 0 || iw >= in_width ? -1 : in_x + iw, y));
    }
  }
  // Columns, then rows: U = B^T d B.
#pragma unroll
  for (int j = 0; j < T; ++j) {
#if WINO_M == 2
    BT(d[0][j], d[1][j], d[2][j], d[3][j], const float4 c0, const float4 c1, const float4 c2,
       const float4 c3)
    d[0][j] = c0; d[1][j] = c1; d[2][j] = c2; d[3][j] = c3;
#else
    BT6(d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j], const float4 c0, const float4 c1,
        const float4 c2, const float4 c3, const float4 c4, const float4 c5)
    d[0][j] = c0; d[1][j] = c1; d[2][j] = c2; d[3][j] = c3; d[4][j] = c4; d[5][j] = c5;
#endif
  }
  const int tile = mad24(thb, tiles_w, tw);
#pragma unroll
  for (int i = 0; i < T; ++i) {
    float4 u[T];
#if WINO_M == 2
    BT(d[i][0], d[i][1], d[i][2], d[i][3], u[0], u[1], u[2], u[3])
#else
    BT6(d[i][0], d[i][1], d[i][2], d[i][3], d[i][4], d[i][5], u[0], u[1], u[2], u[3], u[4], u[5])
#endif
#pragma unroll
    for (int j = 0; j < T; ++j)
      write_imagef(output, (int2)(tile, mad24(i * T + j, ch_blks, cb)), u[j]);
  }
}

#define MAD_LANE(L, WT)                           \
  out0 = mad((float4)(u0.L), WT, out0);       \
  out1 = mad((float4)(u1.L), WT, out1);       \
  out2 = mad((float4)(u2.L), WT, out2);       \
  out3 = mad((float4)(u3.L), WT, out3);

#define READ_BLOCK(CB)                                                  \
  {                                                                     \
    const int uy = u_y0 + (CB);                                         \
    u0 = read_imagef(input, kSampler, (int2)(t0, uy));                  \
    u1 = read_imagef(input, kSampler, (int2)(t1, uy));                  \
    u2 = read_imagef(input, kSampler, (int2)(t2, uy));                  \
    u3 = read_imagef(input, kSampler, (int2)(t3, uy));                  \
    const int fx = (CB) << 2;                                           \
    wt0 = read_imagef(filter, kSampler, (int2)(fx, fy));                \
    wt1 = read_imagef(filter, kSampler, (int2)(fx + 1, fy));            \
    wt2 = read_imagef(filter, kSampler, (int2)(fx + 2, fy));            \
    wt3 = read_imagef(filter, kSampler, (int2)(fx + 3, fy));            \
  }

__kernel void winograd_gemm(__read_only image2d_t input,   // U
                            __read_only image2d_t filter,  // V
                            __write_only image2d_t output,  // M
                            const int in_ch_full_blks, const int in_ch_rem, const int in_ch_blks,
                            const int out_ch_blks, const int tiles, const int tile_blks) {
  const int ob = get_global_id(0);
  const int tb = get_global_id(1);
  const int k = get_global_id(2);
  if (ob >= out_ch_blks || tb >= tile_blks || k >= T * T) return;
  const int t0 = tb, t1 = t0 + tile_blks, t2 = t1 + tile_blks, t3 = t2 + tile_blks;
  const int u_y0 = mul24(k, in_ch_blks);
  const int fy = mad24(ob, T * T, k);
  float4 out0 = (float4)(0), out1 = out0, out2 = out0, out3 = out0;
  float4 u0, u1, u2, u3, wt0, wt1, wt2, wt3;
  for (int cb = 0; cb < in_ch_full_blks; ++cb) {
    READ_BLOCK(cb);
    MAD_LANE(x, wt0);
    MAD_LANE(y, wt1);
    MAD_LANE(z, wt2);
    MAD_LANE(w, wt3);
  }
  if (in_ch_rem > 0) {
    READ_BLOCK(in_ch_full_blks);
    MAD_LANE(x, wt0);
    if (in_ch_rem > 1) { MAD_LANE(y, wt1); }
    if (in_ch_rem > 2) { MAD_LANE(z, wt2); }
  }
  const int y = mad24(k, out_ch_blks, ob);
  write_imagef(output, (int2)(t0, y), out0);
  if (t1 >= tiles) return;
  write_imagef(output, (int2)(t1, y), out1);
  if (t2 >= tiles) return;
  write_imagef(output, (int2)(t2, y), out2);
  if (t3 >= tiles) return;
  write_imagef(output, (int2)(t3, y), out3);
}

__kernel void winograd_output_transform(__read_only image2d_t input,  // M
                                        __read_only image2d_t bias,
                                        __write_only image2d_t output,
                                        const float alpha, const float beta,
                                        const int out_height, const int out_width, const int out_ch_blks,
                                        const int tiles_h, const int tiles_w, const int tiles_hb) {
  const int ob = get_global_id(0);
  const int tw = get_global_id(1);
  const int thb = get_global_id(2);
  if (ob >= out_ch_blks || tw >= tiles_w || thb >= tiles_hb) return;
  const int n = thb / tiles_h;
  const int th = thb - mul24(n, tiles_h);
  const int tile = mad24(thb, tiles_w, tw);

  float4 m[T][T];
#pragma unroll
  for (int i = 0; i < T; ++i)
#pragma unroll
    for (int j = 0; j < T; ++j)
      m[i][j] = read_imagef(input, kSampler, (int2)(tile, mad24(i * T + j, out_ch_blks, ob)));

  // Columns, then rows: Y = A^T m A.
  float4 c[WINO_M][T];
#pragma unroll
  for (int j = 0; j < T; ++j) {
#if WINO_M == 2
    AT(m[0][j], m[1][j], m[2][j], m[3][j], c[0][j], c[1][j])
#else
    AT6(m[0][j], m[1][j], m[2][j], m[3][j], m[4][j], m[5][j], c[0][j], c[1][j], c[2][j], c[3][j])
#endif
  }
#ifdef BIAS
  const float4 b = read_imagef(bias, kSampler, (int2)(ob, 0));
#else
  const float4 b = (float4)(0);
#endif
  const int oh0 = mul24(th, WINO_M), ow0 = mul24(tw, WINO_M);
  const int x0 = mad24(ob, out_width, ow0);
  const int y0 = mad24(n, out_height, oh0);
  // Edge tiles: rows and columns past the output are not written.
  const int rows = min(WINO_M, out_height - oh0), cols = min(WINO_M, out_width - ow0);
#pragma unroll
  for (int i = 0; i < WINO_M; ++i) {
    if (i >= rows) continue;
    float4 o[WINO_M];
#if WINO_M == 2
    AT(c[i][0], c[i][1], c[i][2], c[i][3], o[0], o[1])
#else
    AT6(c[i][0], c[i][1], c[i][2], c[i][3], c[i][4], c[i][5], o[0], o[1], o[2], o[3])
#endif
#pragma unroll
    for (int j = 0; j < WINO_M; ++j) {
      if (j >= cols) continue;
      WRITE_IMAGET(output, (int2)(x0 + j, y0 + i), do_activation(CONVERT4(o[j] + b), alpha, beta));
    }
  }
}
