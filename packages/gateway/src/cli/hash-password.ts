// Prints the passwordHash of a USERS_FILE entry for the password read from
// standard input (not from the command line, where it would stay in the shell
// history and the process list):
//
//   printf '%s' 'the password' | node --import tsx packages/gateway/src/cli/hash-password.ts
import { hashPassword } from "../auth/passwords.js";

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
const password = Buffer.concat(chunks)
  .toString("utf8")
  .replace(/\r?\n$/, "");
if (password === "") {
  process.stderr.write("no password on standard input\n");
  process.exit(1);
}
process.stdout.write(`${await hashPassword(password)}\n`);
