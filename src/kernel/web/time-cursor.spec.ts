import { decodeTimeCursor, encodeTimeCursor } from './time-cursor';

describe('time cursors', () => {
  const position = { at: '2026-11-24T10:00:00.123456Z', id: '3f1c2a9e-0000-4000-8000-000000000001' };

  it('come back as the position they were made from, to the microsecond', () => {
    expect(decodeTimeCursor(encodeTimeCursor(position))).toEqual(position);
  });

  it('refuse anything they could not have made', () => {
    expect(decodeTimeCursor('garbage!')).toBeUndefined();
    expect(decodeTimeCursor(Buffer.from('2026-11-24T10:00:00Z x').toString('base64url'))).toBeUndefined();
    expect(decodeTimeCursor(Buffer.from(`${position.at}|${position.id}`).toString('base64url'))).toBeUndefined();
  });
});
