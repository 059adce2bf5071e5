// `healthdeck monitor`: poll forever (or for --duration), print one JSON line per
// state change once it is committed to the history, record samples.
#include "commandline.h"
#include "frontends.h"
#include "jsonout.h"
#include "unixsignals.h"

#include "admin/adminclient.h"
#include "config/configwatcher.h"
#include "core/duration.h"
#include "remediation/remediationlease.h"
#include "remediation/remediationplanner.h"
#include "runtime/monitorruntime.h"
#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>
#include <cstdio>
#include <memory>

namespace hd {

namespace {

QByteArray monitorLine(const StateEvent& e, const QString& source)
{
    QByteArray out
        = "{\"time\":" + jsonString(QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs))
        + ",\"service\":" + jsonString(e.service) + ",\"check\":" + jsonString(e.check);
    if (!e.item.isEmpty())
        out += ",\"item\":" + jsonString(e.item);
    out += ",\"from\":" + jsonString(statusName(e.from)) + ",\"to\":" + jsonString(statusName(e.to))
        + ",\"severity\":" + jsonString(severityName(e.severity)) + ",\"detail\":" + jsonString(e.detail)
        + ",\"impacted_by\":" + jsonStringOrNull(e.impactedBy);
    if (e.flapping)
        out += ",\"flapping\":true";
    if (!source.isEmpty())
        out += ",\"source\":" + jsonString(source);
    out += "}\n";
    return out;
}

// The auto-heal line of docs/contract.md §8: an attempt's result, or "gave-up".
QByteArray remediationLine(const RemediationEvent& e)
{
    return "{\"time\":" + jsonString(e.time.toUTC().toString(Qt::ISODateWithMs)) + ",\"service\":"
        + jsonString(e.service) + ",\"check\":" + jsonString(e.check) + ",\"action\":\"auto-heal\",\"attempt\":"
        + QByteArray::number(e.attempt) + ",\"of\":" + QByteArray::number(e.of) + ",\"result\":" + jsonString(e.result)
        + ",\"detail\":" + jsonString(e.detail) + "}\n";
}

void printErr(const QString& text)
{
    std::fprintf(stderr, "%s\n", qPrintable(text));
    std::fflush(stderr);
}

} // namespace

int runMonitorCommand(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("healthdeck"));
    QCommandLineParser parser;
    const QCommandLineOption configOpt = configOption();
    const QCommandLineOption durationOpt(
        QStringLiteral("duration"), QStringLiteral("Stop after D (10s, 5m, 1h)."), QStringLiteral("D"));
    const QCommandLineOption historyOpt = historyOption();
    const QCommandLineOption metricsOpt(QStringLiteral("metrics-listen"),
        QStringLiteral(
            "Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT; :PORT binds 127.0.0.1). Off by default."),
        QStringLiteral("ADDR"));
    const QCommandLineOption noRemediateOpt(
        QStringLiteral("no-remediate"), QStringLiteral("Do not run remediate: actions (auto-heal)."));
    const QCommandLineOption readOnlyOpt(
        QStringLiteral("read-only"), QStringLiteral("Run no admin action: no auto-heal either."));
    parser.addOptions({ configOpt, durationOpt, historyOpt, metricsOpt, noRemediateOpt, readOnlyOpt });
    if (const auto exitCode = parseCommandLine(
            parser, "monitor", QStringLiteral("Poll continuously and print one JSON line per state change.")))
        return *exitCode;
    std::optional<qint64> durationMs;
    if (parser.isSet(durationOpt)) {
        durationMs = parseDurationMs(parser.value(durationOpt));
        if (!durationMs) {
            printErr(
                u"healthdeck monitor: bad duration '" + parser.value(durationOpt) + u"': use 250ms, 10s, 5m or 1h");
            return 2;
        }
    }
    QString path;
    const std::optional<Config> config = loadCommandConfig("monitor", parser.value(configOpt), &path);
    if (!config)
        return 2;

    HistoryOptions options;
    options.path = parser.isSet(historyOpt) ? parser.value(historyOpt) : HistoryStore::defaultPath();
    options.retention = config->history;
    // The engine polls on its own thread; this thread prints, heals and handles signals.
    MonitorRuntime runtime(options);
    HistoryStore& store = *runtime.store();
    if (!store.open()) {
        printErr(u"healthdeck monitor: cannot open any history store (" + options.path + u')');
        return 2;
    }
    if (store.isDegraded())
        printErr(u"healthdeck monitor: " + store.degradedReason());
    QObject::connect(&store, &HistoryStore::degraded, &app,
        [](const QString& reason) { printErr(u"healthdeck monitor: " + reason); });

    if (parser.isSet(metricsOpt)) {
        // A command line may wait: the address is taken, or the command stops here with exit 2.
        QString serving;
        QString why;
        QEventLoop listening;
        QObject::connect(
            &runtime, &MonitorRuntime::metricsServing, &listening, [&](const QString& address, const QString& error) {
                serving = address;
                why = error;
                listening.quit();
            });
        runtime.serveMetrics(parser.value(metricsOpt));
        listening.exec();
        if (serving.isEmpty()) {
            printErr(u"healthdeck monitor: --metrics-listen: " + why);
            return 2;
        }
        printErr(u"healthdeck monitor: serving metrics at http://" + serving + u"/metrics");
    }

    // Alert rows name the Alertmanager source they come from.
    QHash<QString, QString> alertSources;
    QObject::connect(&runtime, &MonitorRuntime::rowsUpdated, &app, [&alertSources](const QList<RowState>& rows) {
        for (const RowState& row : rows) {
            if (row.result.alert)
                alertSources.insert(row.key, row.result.alert->source);
        }
    });
    // Auto-heal: only the holder of the history's lease acts, so a dashboard on the same file never acts twice.
    AdminClient admin;
    admin.setConfig(*config);
    admin.setHistoryStore(&store);
    admin.setReadOnly(parser.isSet(readOnlyOpt));
    RemediationPlanner planner(&admin, &store);
    RemediationLease lease(&store, QStringLiteral("monitor"));
    planner.setEnabled(!parser.isSet(noRemediateOpt));
    planner.setReadOnly(parser.isSet(readOnlyOpt));
    planner.setLease(&lease);
    planner.setConfig(*config);
    QObject::connect(&runtime, &MonitorRuntime::rowsUpdated, &planner, &RemediationPlanner::updateRows);
    QObject::connect(&runtime, &MonitorRuntime::rowsRemoved, &planner, &RemediationPlanner::removeRows);
    bool stopping = false;
    bool drained = false;
    QObject::connect(&lease, &RemediationLease::heldChanged, &app, [&stopping](bool held, const QString& reason) {
        if (!stopping)
            printErr(held ? QStringLiteral("healthdeck monitor: auto-heal: this process acts for the history")
                          : u"healthdeck monitor: auto-heal on standby: " + reason);
    });
    const auto printLine = [](const QByteArray& line) {
        std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        std::fflush(stdout);
    };
    QObject::connect(&planner, &RemediationPlanner::attemptFinished, &app,
        [printLine](const RemediationEvent& e) { printLine(remediationLine(e)); });
    QObject::connect(&planner, &RemediationPlanner::gaveUp, &app,
        [printLine](const RemediationEvent& e) { printLine(remediationLine(e)); });

    const auto finishIfDone = [&] {
        if (stopping && drained && !planner.isBusy())
            app.quit();
    };
    // An attempt in flight at shutdown is waited for: it was sent, and its answer belongs in the audit log.
    QObject::connect(&planner, &RemediationPlanner::attemptFinished, &app, [&] { finishIfDone(); });
    // An event is printed only after its commit, so kill -9 loses nothing printed.
    QObject::connect(
        &runtime, &MonitorRuntime::eventCommitted, &app, [&](const StateEvent& event, const WriteResult& result) {
            if (!result.ok)
                printErr(u"healthdeck monitor: could not record an event: " + result.error);
            printLine(monitorLine(event, alertSources.value(event.checkKey())));
        });
    QObject::connect(&runtime, &MonitorRuntime::drained, &app, [&] {
        drained = true;
        finishIfDone();
    });

    const auto shutdown = [&] {
        if (stopping)
            return;
        stopping = true;
        planner.setEnabled(false); // no new attempt; the lease goes back
        runtime.stop(); // flushes the last batch of state changes into the store; drained() follows
    };
    UnixSignals signals_;
    QObject::connect(&signals_, &UnixSignals::terminate, &app, shutdown);
    QObject::connect(&signals_, &UnixSignals::hangup, &runtime, &MonitorRuntime::reloadConfig);
    QObject::connect(&runtime, &MonitorRuntime::configLoaded, &app, [&](const Config& config) {
        admin.setConfig(config);
        if (parser.isSet(readOnlyOpt))
            admin.setReadOnly(true);
        planner.setConfig(config);
        printErr(u"healthdeck monitor: reloaded " + path);
    });
    QObject::connect(&runtime, &MonitorRuntime::configFailed, &app, [&](const QStringList& errors) {
        printErr(u"healthdeck monitor: config reload failed, keeping the previous config:\n" + errors.join(u'\n'));
    });

    if (durationMs)
        QTimer::singleShot(std::chrono::milliseconds(*durationMs), &app, shutdown);
    runtime.watchConfig(path, *config); // applies the config loaded above and starts polling
    app.exec();
    store.close();
    return 0;
}

} // namespace hd
