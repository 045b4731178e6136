// copy_image: copies the pixels [0, width) x [0, height) of one image into another (shape-only
// ops whose input and output share one image view). Padding lanes are copied as they are.
__kernel void copy_image(__read_only image2d_t input, const int width, const int height,
                         __write_only image2d_t output) {
  const int x = get_global_id(0);
  const int y = get_global_id(1);
  if (x >= width || y >= height) return;
  WRITE_IMAGET(output, (int2)(x, y), READ_IMAGET(input, kSampler, (int2)(x, y)));
}
