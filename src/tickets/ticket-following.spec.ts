import { parseTags } from './ticket-following.service';

describe('parseTags', () => {
  it('splits at commas, trims, lower-cases and keeps each tag once', () => {
    expect(parseTags(' VIP, принтер ,vip,, Второй  этаж ')).toEqual(['vip', 'принтер', 'второй этаж']);
    expect(parseTags('')).toEqual([]);
  });

  it('refuses too many or too long tags', () => {
    expect(() => parseTags(Array.from({ length: 21 }, (_, i) => `t${i}`).join(','))).toThrow('tags_invalid');
    expect(() => parseTags('я'.repeat(51))).toThrow('tags_invalid');
  });
});
