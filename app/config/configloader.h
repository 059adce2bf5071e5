#pragma once

#include "config/config.h"

#include <QByteArray>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <optional>

namespace hd {

// `config` is set only when there are no errors. Errors and warnings are in
// file order; each prints as "FILE:LINE:COLUMN: message".
struct ConfigLoadResult {
    std::optional<Config> config;
    QList<ConfigError> errors;
    QList<ConfigError> warnings;

    bool ok() const { return config.has_value(); }
    QString errorText() const; // every error's toString(), one per line
    QString warningText() const; // every warning's toString(), one per line
};

// Reads and validates a config file with the process environment for ${VAR}.
// Errors are labelled with `path` as given; Config::file is its absolute path,
// and relative paths in the file resolve against the file's directory.
ConfigLoadResult loadConfigFile(const QString& path);
ConfigLoadResult loadConfigFile(const QString& path, const QProcessEnvironment& env);

// Validates YAML text. `fileLabel` names it in messages and becomes Config::file;
// relative paths resolve against the directory of `fileLabel` (the current
// directory for a bare name).
ConfigLoadResult loadConfigString(const QByteArray& yaml, const QString& fileLabel, const QProcessEnvironment& env);

// The admin presets this build knows (docs/contract.md §6).
QStringList knownAdminPresets();

} // namespace hd
