// `healthdeck monitor`: poll forever (or for --duration), print one JSON line per
// state change once it is committed to the history, record samples.
#include "frontends.h"
#include "jsonout.h"
#include "unixsignals.h"

#include "core/duration.h"
#include "engine/configwatcher.h"
#include "engine/loadconfig.h"
#include "monitor/monitorengine.h"
#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>
#include <cstdio>

namespace hd {

namespace {

QByteArray monitorLine(const StateEvent &e)
{
    QByteArray out = "{\"time\":" + jsonString(QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs))
        + ",\"service\":" + jsonString(e.service) + ",\"check\":" + jsonString(e.check);
    if (!e.item.isEmpty())
        out += ",\"item\":" + jsonString(e.item);
    out += ",\"from\":" + jsonString(statusName(e.from)) + ",\"to\":" + jsonString(statusName(e.to))
        + ",\"severity\":" + jsonString(severityName(e.severity)) + ",\"detail\":" + jsonString(e.detail)
        + ",\"impacted_by\":" + jsonStringOrNull(e.impactedBy);
    if (e.flapping)
        out += ",\"flapping\":true";
    out += "}\n";
    return out;
}

StateEvent toEvent(const StateChange &c)
{
    StateEvent e;
    e.timeMs = c.time.toMSecsSinceEpoch();
    e.service = c.service;
    e.check = c.check;
    e.item = c.item;
    e.from = c.from;
    e.to = c.to;
    e.severity = c.severity;
    e.detail = c.detail;
    e.impactedBy = c.impactedBy;
    e.flapping = c.flapping;
    return e;
}

void printErr(const QString &text)
{
    std::fprintf(stderr, "%s\n", qPrintable(text));
    std::fflush(stderr);
}

} // namespace

int runMonitorCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("healthdeck"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Poll continuously and print one JSON line per state change."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("monitor"), QStringLiteral("the command"));
    const QCommandLineOption configOpt(QStringLiteral("config"), QStringLiteral("Config file."), QStringLiteral("FILE"));
    const QCommandLineOption durationOpt(QStringLiteral("duration"), QStringLiteral("Stop after D (10s, 5m, 1h)."),
                                         QStringLiteral("D"));
    const QCommandLineOption historyOpt(QStringLiteral("history"), QStringLiteral("SQLite history file."),
                                        QStringLiteral("FILE"));
    parser.addOptions({ configOpt, durationOpt, historyOpt });
    if (!parser.parse(QCoreApplication::arguments())) {
        printErr(u"healthdeck monitor: " + parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.positionalArguments().size() > 1) {
        printErr(u"healthdeck monitor: unexpected argument '" + parser.positionalArguments().at(1) + u'\'');
        return 2;
    }
    std::optional<qint64> durationMs;
    if (parser.isSet(durationOpt)) {
        durationMs = parseDurationMs(parser.value(durationOpt));
        if (!durationMs) {
            printErr(u"healthdeck monitor: bad duration '" + parser.value(durationOpt) + u"': use 250ms, 10s, 5m or 1h");
            return 2;
        }
    }
    const QString path = defaultConfigPath(parser.value(configOpt));
    if (path.isEmpty()) {
        printErr(QStringLiteral("healthdeck monitor: no config file: pass --config FILE or set HEALTHDECK_CONFIG"));
        return 2;
    }
    const ConfigLoadResult loaded = loadValidatedConfig(path);
    for (const ConfigError &w : loaded.warnings)
        printErr(w.toString() + u" (warning)");
    if (!loaded.config) {
        for (const ConfigError &e : loaded.errors)
            printErr(e.toString());
        return 2;
    }

    HistoryOptions options;
    options.path = parser.isSet(historyOpt) ? parser.value(historyOpt) : HistoryStore::defaultPath();
    options.retention = loaded.config->history;
    HistoryStore store(options);
    if (!store.open()) {
        printErr(u"healthdeck monitor: cannot open any history store (" + options.path + u')');
        return 2;
    }
    if (store.isDegraded())
        printErr(u"healthdeck monitor: " + store.degradedReason());
    QObject::connect(&store, &HistoryStore::degraded, &app,
                     [](const QString &reason) { printErr(u"healthdeck monitor: " + reason); });

    MonitorEngine engine;
    engine.setConfig(*loaded.config);

    // An event is printed only after its commit, so kill -9 loses nothing printed.
    int outstanding = 0;
    bool stopping = false;
    const auto finishIfDone = [&] {
        if (stopping && outstanding == 0)
            app.quit();
    };
    QObject::connect(&engine, &MonitorEngine::stateChanged, &app, [&](const StateChange &change) {
        ++outstanding;
        const StateEvent event = toEvent(change);
        store.writeEvent(event, &app, [&, event](const WriteResult &result) {
            --outstanding;
            if (!result.ok)
                printErr(u"healthdeck monitor: could not record an event: " + result.error);
            const QByteArray line = monitorLine(event);
            std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
            std::fflush(stdout);
            finishIfDone();
        });
    });
    QObject::connect(&engine, &MonitorEngine::rowsUpdated, &app, [&](const QList<RowState> &rows) {
        QList<Sample> samples;
        for (const RowState &row : rows) {
            if (row.freshResult)
                samples << Sample { row.lastResult.toMSecsSinceEpoch(), row.key, row.rawStatus, row.latencyMs };
        }
        if (!samples.isEmpty())
            store.addSamples(samples);
    });

    const auto shutdown = [&] {
        if (stopping)
            return;
        stopping = true;
        engine.stop(); // flushes the last batch of state changes into the store
        finishIfDone();
    };
    UnixSignals signals_;
    QObject::connect(&signals_, &UnixSignals::terminate, &app, shutdown);

    ConfigWatcher watcher(path);
    QObject::connect(&signals_, &UnixSignals::hangup, &watcher, &ConfigWatcher::reload);
    QObject::connect(&watcher, &ConfigWatcher::configLoaded, &engine, [&](const Config &config) {
        engine.setConfig(config);
        printErr(u"healthdeck monitor: reloaded " + path);
    });
    QObject::connect(&watcher, &ConfigWatcher::configFailed, &app, [&](const QStringList &errors) {
        printErr(u"healthdeck monitor: config reload failed, keeping the previous config:\n" + errors.join(u'\n'));
    });

    if (durationMs)
        QTimer::singleShot(std::chrono::milliseconds(*durationMs), &app, shutdown);
    engine.start();
    app.exec();
    store.close();
    return 0;
}

} // namespace hd
