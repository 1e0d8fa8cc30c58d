import { definePlugin } from '../../../src/plugin-api';
import { WelcomeNoteSignIns1765000000000 } from './migrations/1765000000000-welcome-note-sign-ins';
import { SignInCount } from './sign-in-count.entity';
import { WelcomeNoteModule } from './welcome-note.module';

/** The entry the core loads: the Nest module, and the table it keeps with the migration that makes it. */
export default definePlugin({
  module: WelcomeNoteModule,
  entities: [SignInCount],
  migrations: [WelcomeNoteSignIns1765000000000],
});
