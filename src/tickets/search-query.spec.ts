import { searchQuery } from './search-query';

describe('searchQuery', () => {
  it('makes every word a required prefix, in any script', () => {
    expect(searchQuery('Принтер  VPN')).toBe('принтер:* & vpn:*');
    expect(searchQuery("o'zbek тілі")).toBe('o:* & zbek:* & тілі:*');
  });

  it('leaves no tsquery syntax through', () => {
    expect(searchQuery("a & b | !c <-> 'd':*")).toBe('a:* & b:* & c:* & d:*');
    expect(searchQuery('(((')).toBeNull();
    expect(searchQuery('')).toBeNull();
  });

  it('keeps at most eight words', () => {
    expect(searchQuery('a b c d e f g h i j')!.split(' & ')).toHaveLength(8);
  });
});
