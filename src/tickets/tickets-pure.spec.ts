import { priorityOf } from './priority';
import { cleanHtml, htmlToText, textToHtml } from './ticket-html';
import { parseTicketRef, ticketRef } from './ticket-types';
import { checkTransition, initialStatus, nextStatuses, type Workflow } from './workflow';

const workflow: Workflow = {
  statuses: [
    { key: 'new', category: 'new', position: 1, isInitial: true },
    { key: 'in_progress', category: 'open', position: 2, isInitial: false },
    { key: 'resolved', category: 'resolved', position: 4, isInitial: false },
    { key: 'closed', category: 'closed', position: 5, isInitial: false },
  ],
  transitions: [
    { from: 'new', to: 'in_progress' },
    { from: 'new', to: 'resolved' },
    { from: 'in_progress', to: 'resolved' },
    { from: 'resolved', to: 'closed' },
    { from: 'resolved', to: 'in_progress' },
  ],
};

describe('ticket references', () => {
  it('prints and reads INC-42 style numbers in any case', () => {
    expect(ticketRef('incident', 42)).toBe('INC-42');
    expect(ticketRef('documentation_request', 7)).toBe('DOC-7');
    expect(parseTicketRef('req-15')).toEqual({ type: 'service_request', number: 15 });
  });

  it.each(['INC-0', 'INC-01', 'XYZ-1', 'INC42', 'INC-1; DROP', '', 'INC-9999999999999999'])('refuses %p', (ref) => {
    expect(parseTicketRef(ref)).toBeUndefined();
  });
});

describe('workflow', () => {
  it('starts new tickets in the initial status and lists the next ones in order', () => {
    expect(initialStatus(workflow).key).toBe('new');
    expect(nextStatuses(workflow, 'new').map((status) => status.key)).toEqual(['in_progress', 'resolved']);
    expect(nextStatuses(workflow, 'closed')).toEqual([]);
  });

  it('allows only configured moves', () => {
    expect(checkTransition(workflow, 'new', 'in_progress')).toBeNull();
    expect(checkTransition(workflow, 'new', 'closed')).toBe('not_allowed');
    expect(checkTransition(workflow, 'closed', 'in_progress')).toBe('not_allowed');
    expect(checkTransition(workflow, 'new', 'new')).toBe('same_status');
    expect(checkTransition(workflow, 'new', 'teleported')).toBe('unknown_status');
  });

  it('wants a resolution code and text to resolve', () => {
    expect(checkTransition(workflow, 'in_progress', 'resolved')).toBe('resolution_required');
    expect(checkTransition(workflow, 'in_progress', 'resolved', { code: 'fixed', text: '  ' })).toBe('resolution_required');
    expect(checkTransition(workflow, 'in_progress', 'resolved', { code: 'fixed', text: 'Replaced the toner' })).toBeNull();
    expect(checkTransition(workflow, 'resolved', 'in_progress')).toBeNull(); // reopening needs none
  });
});

describe('priorityOf', () => {
  const matrix = [
    { impact: 1, urgency: 1, priority: 1 },
    { impact: 3, urgency: 3, priority: 4 },
  ];

  it('reads the configured matrix, and falls back to the sum rule for missing cells', () => {
    expect(priorityOf(matrix, 1, 1)).toBe(1);
    expect(priorityOf(matrix, 3, 3)).toBe(4);
    expect(priorityOf(matrix, 2, 3)).toBe(4);
    expect(priorityOf([], 1, 2)).toBe(2);
  });
});

describe('ticket HTML', () => {
  it('keeps formatting and drops scripts, handlers and dangerous links', () => {
    const cleaned = cleanHtml('<p onclick="x()">Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a><a href="https://example.com">ok</a></p>');
    expect(cleaned).toBe('<p>Hi <b>there</b><a rel="noopener noreferrer nofollow" target="_blank">x</a><a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">ok</a></p>');
  });

  it('keeps inline images only of the desk\'s own attachments, without handlers', () => {
    const own = '/tickets/INC-42/attachments/0b6c1e4e-8a52-4c53-9d0a-1f1f2b3c4d5e';
    const cleaned = cleanHtml(`<p><img src="${own}" alt="схема" onerror="alert(1)" style="x"><img src="https://evil.example/x.png"><img src="${own}/../../admin"><img src="data:image/png;base64,AAAA"><img></p>`);
    expect(cleaned).toBe(`<p><img src="${own}" alt="схема" /></p>`);
  });

  it('turns plain text into escaped paragraphs', () => {
    expect(textToHtml('Принтер <не> печатает\nсовсем\n\n"Срочно" & всё')).toBe('<p>Принтер &lt;не&gt; печатает<br>совсем</p><p>&quot;Срочно&quot; &amp; всё</p>');
  });

  it('reads the words back out', () => {
    expect(htmlToText('<p>Принтер &lt;не&gt; печатает<br>совсем</p><p>&quot;Срочно&quot; &amp; всё</p>')).toBe('Принтер <не> печатает\nсовсем\n"Срочно" & всё');
  });
});
