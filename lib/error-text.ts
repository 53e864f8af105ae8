/**
 * The text of an error for a person: its message, without the SQL statement knex puts in front
 * of database errors (`insert into … values … - database is locked` can run to megabytes).
 */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const sql = /^\s*(insert|select|update|delete|with|create|alter|drop|pragma|begin|commit)\b[\s\S]* - ([^\n]+)$/i.exec(message);
  if (sql) return `database error: ${sql[2]}`;
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}
