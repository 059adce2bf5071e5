#include "commandline.h"

#include "config/loadconfig.h"

#include <QCoreApplication>
#include <cstdio>

namespace hd {

QCommandLineOption configOption()
{
    return QCommandLineOption(QStringLiteral("config"), QStringLiteral("Config file."), QStringLiteral("FILE"));
}

QCommandLineOption historyOption(const QString& description)
{
    return QCommandLineOption(QStringLiteral("history"), description, QStringLiteral("FILE"));
}

QCommandLineOption inertNoRemediateOption()
{
    return QCommandLineOption(QStringLiteral("no-remediate"),
        QStringLiteral("Accepted everywhere; this command never runs remediate: actions."));
}

void printCommandError(const char* command, const QString& text)
{
    std::fprintf(stderr, "healthdeck %s: %s\n", command, qPrintable(text));
    std::fflush(stderr);
}

std::optional<int> parseCommandLine(
    QCommandLineParser& parser, const char* command, const QString& description, const QStringList& arguments)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(QString::fromLatin1(command), QStringLiteral("the command"));
    for (const QString& argument : arguments)
        parser.addPositionalArgument(argument, QStringLiteral("required"));
    if (!parser.parse(QCoreApplication::arguments())) {
        printCommandError(command, parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    const qsizetype expected = 1 + arguments.size();
    if (parser.positionalArguments().size() > expected) {
        printCommandError(command, u"unexpected argument '" + parser.positionalArguments().at(expected) + u'\'');
        return 2;
    }
    if (parser.positionalArguments().size() < expected) {
        printCommandError(command, u"missing " + arguments.at(parser.positionalArguments().size() - 1));
        return 2;
    }
    return std::nullopt;
}

std::optional<Config> loadCommandConfig(const char* command, const QString& explicitPath, QString* path)
{
    *path = defaultConfigPath(explicitPath);
    if (path->isEmpty()) {
        printCommandError(command, QStringLiteral("no config file: pass --config FILE or set HEALTHDECK_CONFIG"));
        return std::nullopt;
    }
    ConfigLoadResult loaded = loadValidatedConfig(*path);
    for (const ConfigError& w : loaded.warnings)
        std::fprintf(stderr, "%s (warning)\n", qPrintable(w.toString()));
    if (!loaded.config) {
        for (const ConfigError& e : loaded.errors)
            std::fprintf(stderr, "%s\n", qPrintable(e.toString()));
        return std::nullopt;
    }
    return std::move(loaded.config);
}

} // namespace hd
