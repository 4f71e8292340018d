import { type Command, InvalidArgumentError } from 'commander';
import { ClockControl, parseClockMoment, parseDuration } from '../domain/clock-control.js';
import { GraphError } from '../graph/errors.js';
import { cliClock, printJson, subcommand, withStore } from './directory-kit.js';

/** A command-line value read by one of the clock's parsers; its 400 becomes commander's usage error. */
const parsedBy = (parse: (text: string) => number) => (text: string) => {
  try {
    parse(text);
    return text;
  } catch (err) {
    if (err instanceof GraphError) throw new InvalidArgumentError(err.message);
    throw err;
  }
};

/**
 * `graphmeet clock [set <dateTime> [--frozen] | advance <duration> | reset]`: graphmeet's time, kept in the database
 * so that running servers (every node) and the other commands (e.g. `graphmeet token`) follow it.
 */
export function addClockCommands(program: Command): void {
  const clock = program
    .command('clock')
    .description("show or move graphmeet's time (not the machine's); running servers follow within a second");
  const run = <A extends unknown[]>(work: (control: ClockControl, ...args: A) => Promise<unknown>) =>
    withStore(async (store, ...args: A) => printJson(await work(new ClockControl(cliClock, store.keys), ...args)));

  subcommand(clock, 'show', "print graphmeet's time").action(run(async (c) => c.state()));
  subcommand(clock, 'set', 'set the time to a moment, from where it goes on (or stays, with --frozen)')
    .argument('<dateTime>', 'a date-time with a zone, e.g. 2026-05-04T09:00:00Z', parsedBy(parseClockMoment))
    .option('--frozen', 'stop the clock at that moment')
    .action(
      run((c, dateTime: string, opts: { frozen?: boolean }) =>
        c.setTo(parseClockMoment(dateTime), opts.frozen === true),
      ),
    );
  subcommand(clock, 'advance', 'move the time on by an ISO 8601 duration (PT90M, P1D; -PT5M goes back)')
    .argument('<duration>', 'e.g. PT2H', parsedBy(parseDuration))
    .allowUnknownOption()
    .action(run((c, duration: string) => c.advance(parseDuration(duration))));
  subcommand(clock, 'reset', "give graphmeet the machine's time again").action(run((c) => c.set({ mode: 'system' })));
}
