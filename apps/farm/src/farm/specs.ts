// The virtual farm's devices: one ARM Linux board and two Android phones (a 64-bit one that also
// runs 32-bit code, and a 32-bit-only one), as a small lab would have them.
export interface PhoneSpec {
  name: string;
  properties: Record<string, string>;
  battery: { level: number; temperature: number };
}

export const PHONES: PhoneSpec[] = [
  {
    name: 'pixel3',
    properties: {
      'ro.product.model': 'Virtual Pixel 3',
      'ro.product.manufacturer': 'MACE farm',
      'ro.product.cpu.abi': 'arm64-v8a',
      'ro.product.cpu.abilist': 'arm64-v8a,armeabi-v7a,armeabi',
      'ro.board.platform': 'sdm845',
      'ro.hardware': 'qcom',
      'ro.build.version.release': '11',
      'ro.build.version.sdk': '30',
    },
    battery: { level: 87, temperature: 310 },
  },
  {
    name: 'motog5',
    properties: {
      'ro.product.model': 'Virtual Moto G5',
      'ro.product.manufacturer': 'MACE farm',
      'ro.product.cpu.abi': 'armeabi-v7a',
      'ro.product.cpu.abilist': 'armeabi-v7a,armeabi',
      'ro.board.platform': 'msm8937',
      'ro.hardware': 'qcom',
      'ro.build.version.release': '8.1.0',
      'ro.build.version.sdk': '27',
    },
    battery: { level: 64, temperature: 295 },
  },
];

export const BOARD = {
  name: 'virtual_board',
  targetAbis: ['arm64-v8a', 'aarch64'],
  soc: 'qemu-cortex-a53',
  model: 'Virtual ARM board (qemu-user)',
};
