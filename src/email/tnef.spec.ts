import { buildTnef, isTnef, tnefFiles } from './tnef';

describe('tnefFiles', () => {
  it('takes out the files of a winmail.dat', () => {
    const stream = buildTnef([{ name: 'report.xlsx', content: Buffer.from('cells') }, { name: 'photo.jpg', content: Buffer.from([0xff, 0xd8, 0xff]) }]);
    expect(isTnef(stream)).toBe(true);
    expect(tnefFiles(stream)).toEqual([
      { name: 'report.xlsx', content: Buffer.from('cells') },
      { name: 'photo.jpg', content: Buffer.from([0xff, 0xd8, 0xff]) },
    ]);
  });

  it('yields nothing for what is not TNEF, and what it could read of a cut stream', () => {
    expect(tnefFiles(Buffer.from('not tnef at all'))).toEqual([]);
    const stream = buildTnef([{ name: 'a.txt', content: Buffer.from('first') }, { name: 'b.txt', content: Buffer.from('second') }]);
    expect(tnefFiles(stream.subarray(0, stream.length - 5))).toEqual([{ name: 'a.txt', content: Buffer.from('first') }]);
  });
});
