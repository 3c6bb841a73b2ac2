/** Every kind of JSON value a google.protobuf.Struct can carry: what Struct fidelity is checked with. */
export const STRUCT_SAMPLE = {
  name: 'Ada Lovelace',
  unicode: 'Grüße 👋',
  age: 36,
  ratio: -0.125,
  large: 9007199254740991,
  zero: 0,
  admin: true,
  locked: false,
  nothing: null,
  tags: ['a', 1, true, null, { deep: [[], {}] }],
  address: { city: 'London', lines: ['12 St James Square'], geo: { lat: 51.5074, lng: -0.1278 } },
  empty: {},
  none: [],
};
