import { parseDuration, splitMinutes } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['1:30', 90],
    ['0:05', 5],
    ['1h 30m', 90],
    ['1h30m', 90],
    ['1.5h', 90],
    ['1,5 ч', 90],
    ['2 часа', 120],
    ['45 мин', 45],
    ['1 год 15 хв', 75],
    ['2 soat 10 daqiqa', 130],
    ['  20 min ', 20],
    ['24h', 1440],
  ])('%j → %i minutes', (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes);
  });

  it.each(['', '0', '25h', '1441', 'abc', '1 parsec', '1h and 5m', '-5', '1:75', '1h;DROP TABLE', '5 m 5 x'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('splitMinutes', () => {
  it('splits into hours and minutes', () => {
    expect(splitMinutes(135)).toEqual({ hours: 2, minutes: 15 });
    expect(splitMinutes(45)).toEqual({ hours: 0, minutes: 45 });
  });
});
