#pragma once
// What every subcommand does the same way: parse its arguments and load its config.

#include "config/config.h"

#include <QCommandLineParser>
#include <QString>
#include <optional>

namespace hd {

// --config FILE, the same for every command.
QCommandLineOption configOption();
// --history FILE; what the history is for differs per command.
QCommandLineOption historyOption(const QString& description = QStringLiteral("SQLite history file."));

// --no-remediate for a command that never auto-heals: accepted, so that a script can pass it to every front end.
QCommandLineOption inertNoRemediateOption();

// Writes "healthdeck <command>: <text>" to stderr.
void printCommandError(const char* command, const QString& text);

// Parses argv (help option and the subcommand's positional already added by this function). Returns the exit
// code to stop with (0 after --help, 2 for a usage error, already printed), or nullopt to go on.
// `arguments` names the positional arguments the command requires after its name ("KEY").
std::optional<int> parseCommandLine(
    QCommandLineParser& parser, const char* command, const QString& description, const QStringList& arguments = {});

// Resolves --config (else $HEALTHDECK_CONFIG, else the default path), loads and validates it and prints the
// warnings; nullopt after printing why not (the caller exits 2). path receives the file used.
std::optional<Config> loadCommandConfig(const char* command, const QString& explicitPath, QString* path);

} // namespace hd
