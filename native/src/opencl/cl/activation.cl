// A standalone activation over an image (ACTIVATION_TYPE and do_activation: common.cl).

__kernel void activation(__read_only image2d_t input, const float alpha, const float beta,
                         __write_only image2d_t output) {
  const int2 pos = (int2)(get_global_id(0), get_global_id(1));
  WRITE_IMAGET(output, pos, do_activation(READ_IMAGET(input, kSampler, pos), alpha, beta));
}
