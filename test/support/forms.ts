import request from 'supertest';

/** The CSRF token of a rendered form. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field in the page');
  return match[1]!;
}

/** A supertest agent signed in through the sign-in form (expects the redirect of a good sign-in). */
export async function signedInAgent(url: string, username: string, password: string): Promise<ReturnType<typeof request.agent>> {
  const agent = request.agent(url);
  const form = await agent.get('/login').expect(200);
  await agent.post('/login').type('form').send({ username, password, _csrf: csrfOf(form.text) }).expect(303);
  return agent;
}
