import { loopVerdict, type GuardInput } from './loop-guard';

const input = (headers: Record<string, string> = {}, extra: Partial<GuardInput> = {}): GuardInput => ({
  headers: new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  from: 'ivan@client.example',
  ownAddresses: new Set(['help@desk.example']),
  contentType: 'text/plain; charset=utf-8',
  ...extra,
});

describe('loopVerdict', () => {
  it('takes an ordinary message as a person writing', () => {
    expect(loopVerdict(input())).toEqual({ kind: 'person', quiet: false });
    expect(loopVerdict(input({ 'Auto-Submitted': 'no' }))).toEqual({ kind: 'person', quiet: false });
  });

  it.each([
    [{ 'Auto-Submitted': 'auto-replied' }, 'auto_submitted'],
    [{ 'Auto-Submitted': 'auto-generated (vacation)' }, 'auto_submitted'],
    [{ Precedence: 'bulk' }, 'precedence'],
    [{ Precedence: ' List ' }, 'precedence'],
    [{ Precedence: 'junk' }, 'precedence'],
    [{ 'X-Autoreply': 'yes' }, 'x_autoreply'],
    [{ 'X-Autorespond': 'Out of office' }, 'x_autoreply'],
    [{ 'List-Id': '<news.client.example>' }, 'list'],
    [{ 'Return-Path': '<>' }, 'null_sender'],
  ])('marks %j as automatic (%s): never answered, opens nothing', (headers, reason) => {
    expect(loopVerdict(input(headers))).toEqual({ kind: 'automatic', reason });
  });

  it('recognises its own mail and loop markers', () => {
    expect(loopVerdict(input({}, { from: 'help@desk.example' }))).toEqual({ kind: 'loop', reason: 'own_address' });
    expect(loopVerdict(input({ 'X-Loop': 'Help@Desk.example' }))).toEqual({ kind: 'loop', reason: 'x_loop' });
    expect(loopVerdict(input({ 'X-Loop': 'other@list.example' }))).toEqual({ kind: 'person', quiet: false });
  });

  it('recognises a delivery status notification', () => {
    expect(loopVerdict(input({}, { contentType: 'multipart/report; report-type=delivery-status; boundary="x"' }))).toEqual({ kind: 'bounce' });
    expect(loopVerdict(input({}, { contentType: 'multipart/report; report-type=disposition-notification' }))).toEqual({ kind: 'person', quiet: false });
  });

  it('processes a message that asks not to be auto-answered, quietly', () => {
    expect(loopVerdict(input({ 'X-Auto-Response-Suppress': 'DR, OOF, AutoReply' }))).toEqual({ kind: 'person', quiet: true });
    expect(loopVerdict(input({ 'X-Auto-Response-Suppress': 'All' }))).toEqual({ kind: 'person', quiet: true });
    expect(loopVerdict(input({ 'X-Auto-Response-Suppress': 'DR' }))).toEqual({ kind: 'person', quiet: false });
  });
});
