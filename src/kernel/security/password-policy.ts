export const PASSWORD_MIN_LENGTH = 12;

/** The problems of a proposed password, as i18n keys (empty when it is acceptable). */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push('validation.password_too_short');
  if (password.length > 256) problems.push('validation.too_long');
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('validation.password_contains_username');
  return problems;
}
