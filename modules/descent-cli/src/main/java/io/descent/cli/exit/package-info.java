/**
 * How the {@code descent} command ends on bad input: the one line on stderr and exit code 2, shared by the command
 * line's exception handler and the commands that report a problem before they have shut down.
 */
package io.descent.cli.exit;
