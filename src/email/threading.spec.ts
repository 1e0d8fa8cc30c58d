import { messageIds, referencedIds, subjectTicket } from './threading';

describe('threading helpers', () => {
  it('reads message ids from a header, each once', () => {
    expect(messageIds('<a@x> <b@y>\r\n <a@x>')).toEqual(['<a@x>', '<b@y>']);
    expect(messageIds(undefined)).toEqual([]);
    expect(messageIds('no brackets here')).toEqual([]);
  });

  it('puts In-Reply-To first, then References newest first', () => {
    expect(referencedIds('<c@z>', '<a@x> <b@y> <c@z>')).toEqual(['<c@z>', '<b@y>', '<a@x>']);
  });

  it('finds a ticket number in the subject whatever the reply prefixes and case', () => {
    expect(subjectTicket('Re: AW: [inc-42] Принтер')).toEqual({ type: 'incident', number: 42, ref: 'INC-42' });
    expect(subjectTicket('Fwd: [REQ-7] Доступ')).toEqual({ type: 'service_request', number: 7, ref: 'REQ-7' });
    expect(subjectTicket('INC-42 without brackets')).toBeNull();
    expect(subjectTicket('[INC-0] zero')).toBeNull();
  });
});
