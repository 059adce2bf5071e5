// `healthdeck check`: run every matching check once, print a verdict, exit 0/1/2.
#include "commandline.h"
#include "frontends.h"
#include "jsonout.h"

#include "monitor/dependencygraph.h"
#include "monitor/silences.h"
#include "probing/oneshotrun.h"
#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

namespace hd {

namespace {

enum class Verdict { Ok, Degraded, Fail };

// Spec section 4: fail when any critical check is down, stale or unknown;
// degraded when anything else is not ok.
Verdict verdictOf(const QList<CheckRow>& rows)
{
    Verdict v = Verdict::Ok;
    for (const CheckRow& row : rows) {
        if (!row.counts || row.status == Status::Ok)
            continue;
        const bool failed = row.status == Status::Down || row.status == Status::Stale || row.status == Status::Unknown;
        if (failed && row.severity == Severity::Critical)
            return Verdict::Fail;
        v = Verdict::Degraded;
    }
    return v;
}

QByteArray jsonNumber(double v)
{
    return QByteArray::number(qRound64(v * 10) / 10.0, 'f', 1);
}

// The overlays of section 3 that one run can know, in that section's order: impacted (a service it depends on
// is failing, or Alertmanager inhibits the alert), acknowledged (in the history), silenced (a maintenance window,
// or an Alertmanager silence).
QHash<QString, QStringList> overlaysOf(const Config& config, const QList<CheckRow>& rows, const QSet<QString>& acked)
{
    QHash<QString, Status> serviceStatus;
    for (const CheckRow& row : rows) {
        if (!row.counts)
            continue;
        const auto it = serviceStatus.constFind(row.service);
        serviceStatus.insert(row.service, it == serviceStatus.constEnd() ? row.status : worst(*it, row.status));
    }
    const DependencyGraph::Impact impact = DependencyGraph(config).impact(serviceStatus);
    const Silences silences(config.maintenance);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QHash<QString, QStringList> out;
    for (const CheckRow& row : rows) {
        const ServiceConfig* service = config.service(row.service);
        QStringList tags;
        if (service) {
            for (const CheckConfig& check : service->checks) {
                if (check.name == row.check)
                    tags = check.tags;
            }
        }
        const AlertFacts* alert = row.result.alert.get();
        QStringList overlays;
        if (impact.isImpacted(row.service) || (alert && !alert->inhibitedBy.isEmpty()))
            overlays << QStringLiteral("impacted");
        if (acked.contains(row.key))
            overlays << QStringLiteral("acknowledged");
        QString reason;
        const QString group = !row.group.isEmpty() ? row.group : service ? service->group : QString();
        if (silences.isSilenced(row.service, group, tags, now, &reason) || (alert && !alert->silencedBy.isEmpty()))
            overlays << QStringLiteral("silenced");
        if (!overlays.isEmpty())
            out.insert(row.key, overlays);
    }
    return out;
}

// Acknowledgements in force in the history, when there is one to read (--history, else the default file).
QSet<QString> acknowledgedKeys(const QString& historyPath)
{
    const QString path = historyPath.isEmpty() ? HistoryStore::defaultPath() : historyPath;
    if (!QFileInfo::exists(path))
        return {};
    HistoryOptions options;
    options.path = path;
    HistoryStore store(options);
    if (!store.open() || store.isDegraded())
        return {};
    QSet<QString> keys;
    for (const Ack& ack : store.acks(AckQuery {}))
        keys.insert(ack.checkKey);
    store.close();
    return keys;
}

// Written by hand so that the keys come in the documented order.
QByteArray jsonReport(
    const QList<CheckRow>& rows, Verdict verdict, const QDateTime& now, const QHash<QString, QStringList>& overlays)
{
    static const char* names[] = { "ok", "degraded", "fail" };
    QByteArray out = "{\"status\":\"" + QByteArray(names[int(verdict)])
        + "\",\"timestamp\":" + jsonString(now.toString(Qt::ISODate)) + ",\"checks\":{";
    bool first = true;
    for (const CheckRow& row : rows) {
        if (!first)
            out += ',';
        first = false;
        out += jsonString(row.key) + ":{\"status\":" + jsonString(statusName(row.status))
            + ",\"severity\":" + jsonString(severityName(row.severity)) + ",\"latency_ms\":" + jsonNumber(row.latencyMs)
            + ",\"detail\":" + jsonString(row.detail);
        if (const auto it = overlays.constFind(row.key); it != overlays.constEnd()) {
            out += ",\"overlays\":[";
            for (qsizetype i = 0; i < it->size(); ++i)
                out += (i ? "," : "") + jsonString(it->at(i));
            out += ']';
        }
        if (row.result.alert)
            out += ",\"source\":" + jsonString(row.result.alert->source);
        out += '}';
    }
    out += "}}\n";
    return out;
}

QByteArray textReport(const QList<CheckRow>& rows, Verdict verdict)
{
    int keyWidth = 5;
    for (const CheckRow& row : rows)
        keyWidth = qMax(keyWidth, int(row.key.size()));
    QString out = QStringLiteral("%1  %2  %3  %4  %5\n")
                      .arg(QStringLiteral("STATUS"), -9)
                      .arg(QStringLiteral("CHECK"), -keyWidth)
                      .arg(QStringLiteral("SEVERITY"), -8)
                      .arg(QStringLiteral("LATENCY"), 9)
                      .arg(QStringLiteral("DETAIL"));
    for (const CheckRow& row : rows) {
        const QString latency = QString::number(row.latencyMs, 'f', 1) + u" ms";
        out += QStringLiteral("%1  %2  %3  %4  %5\n")
                   .arg(statusName(row.status), -9)
                   .arg(row.key, -keyWidth)
                   .arg(severityName(row.severity), -8)
                   .arg(latency, 9)
                   .arg(row.detail.simplified());
    }
    static const char* names[] = { "OK", "DEGRADED", "FAIL" };
    int failing = 0;
    for (const CheckRow& row : rows)
        failing += row.counts && row.status != Status::Ok;
    out += u'\n' + QLatin1String(names[int(verdict)]) + u": " + QString::number(rows.size()) + u" rows, "
        + QString::number(failing) + u" not ok\n";
    return out.toUtf8();
}

} // namespace

int runCheckCommand(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("healthdeck"));
    QCommandLineParser parser;
    const QCommandLineOption configOpt = configOption();
    const QCommandLineOption tagOpt(
        QStringLiteral("tag"), QStringLiteral("Only checks with this tag (repeatable)."), QStringLiteral("T"));
    const QCommandLineOption serviceOpt(
        QStringLiteral("service"), QStringLiteral("Only this service (repeatable)."), QStringLiteral("S"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one line of JSON."));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print nothing; set the exit code."));
    const QCommandLineOption historyOpt
        = historyOption(QStringLiteral("History file: its acknowledgements show as overlays."));
    parser.addOptions({ configOpt, tagOpt, serviceOpt, jsonOpt, quietOpt, historyOpt, inertNoRemediateOption() });
    if (const auto exitCode
        = parseCommandLine(parser, "check", QStringLiteral("Run every matching check once and print a verdict.")))
        return *exitCode;
    QString path;
    const std::optional<Config> config = loadCommandConfig("check", parser.value(configOpt), &path);
    if (!config)
        return 2;

    CheckFilter filter { parser.values(serviceOpt), parser.values(tagOpt) };
    for (const QString& s : std::as_const(filter.services)) {
        if (!config->service(s)) {
            printCommandError("check", u"no service named '" + s + u"' in " + path);
            return 2;
        }
    }

    OneShotRun run(*config, filter);
    QObject::connect(&run, &OneShotRun::finished, &app, &QCoreApplication::quit);
    run.start();
    app.exec();

    const QList<CheckRow>& rows = run.rows();
    const Verdict verdict = verdictOf(rows);
    if (!parser.isSet(quietOpt)) {
        const QByteArray out = parser.isSet(jsonOpt) ? jsonReport(rows, verdict, QDateTime::currentDateTimeUtc(),
                                   overlaysOf(*config, rows, acknowledgedKeys(parser.value(historyOpt))))
                                                     : textReport(rows, verdict);
        std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
        std::fflush(stdout);
    }
    return verdict == Verdict::Fail ? 1 : 0;
}

} // namespace hd
