import Foundation

// Entry point: pick the subcommand, run it, exit with its status. Subcommands report their own
// errors on stderr; exit code 2 means bad input (usage, text, files), 0 success.
let arguments = Array(CommandLine.arguments.dropFirst())
let status = MainCommand.run(arguments)
exit(status)
