import { callerQuery } from './caller-query';

describe('callerQuery', () => {
  it('reads a phone number by its last ten digits, reversed for the index', () => {
    expect(callerQuery('+7 (999) 123-45-67')).toEqual({ reversedDigits: '7654321999' });
    expect(callerQuery('8 999 123 45 67')).toEqual({ reversedDigits: '7654321999' });
    expect(callerQuery('45-67')).toEqual({ reversedDigits: '7654' });
  });

  it('reads anything else as the start of a name, login or address, wildcards escaped', () => {
    expect(callerQuery('Иван')).toEqual({ prefix: 'иван%' });
    expect(callerQuery('ivan@')).toEqual({ prefix: 'ivan@%' });
    expect(callerQuery('50%_off\\')).toEqual({ prefix: '50\\%\\_off\\\\%' });
    expect(callerQuery('room 123')).toEqual({ prefix: 'room 123%' });
  });

  it('asks for more than a letter or three digits', () => {
    expect(callerQuery('')).toBeUndefined();
    expect(callerQuery('  ')).toBeUndefined();
    expect(callerQuery('и')).toBeUndefined();
    expect(callerQuery('123')).toEqual({ prefix: '123%' });
  });
});
