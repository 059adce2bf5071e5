// `healthdeck check`: run every matching check once, print a verdict, exit 0/1/2.
#include "frontends.h"
#include "commandline.h"
#include "jsonout.h"

#include "engine/oneshotrun.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

namespace hd {

namespace {

enum class Verdict { Ok, Degraded, Fail };

// Spec section 4: fail when any critical check is down, stale or unknown;
// degraded when anything else is not ok.
Verdict verdictOf(const QList<CheckRow> &rows)
{
    Verdict v = Verdict::Ok;
    for (const CheckRow &row : rows) {
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

// Written by hand so that the keys come in the documented order.
QByteArray jsonReport(const QList<CheckRow> &rows, Verdict verdict, const QDateTime &now)
{
    static const char *names[] = { "ok", "degraded", "fail" };
    QByteArray out = "{\"status\":\"" + QByteArray(names[int(verdict)]) + "\",\"timestamp\":"
        + jsonString(now.toString(Qt::ISODate)) + ",\"checks\":{";
    bool first = true;
    for (const CheckRow &row : rows) {
        if (!first)
            out += ',';
        first = false;
        out += jsonString(row.key) + ":{\"status\":" + jsonString(statusName(row.status))
            + ",\"severity\":" + jsonString(severityName(row.severity)) + ",\"latency_ms\":" + jsonNumber(row.latencyMs)
            + ",\"detail\":" + jsonString(row.detail) + '}';
    }
    out += "}}\n";
    return out;
}

QByteArray textReport(const QList<CheckRow> &rows, Verdict verdict)
{
    int keyWidth = 5;
    for (const CheckRow &row : rows)
        keyWidth = qMax(keyWidth, int(row.key.size()));
    QString out = QStringLiteral("%1  %2  %3  %4  %5\n")
                      .arg(QStringLiteral("STATUS"), -9)
                      .arg(QStringLiteral("CHECK"), -keyWidth)
                      .arg(QStringLiteral("SEVERITY"), -8)
                      .arg(QStringLiteral("LATENCY"), 9)
                      .arg(QStringLiteral("DETAIL"));
    for (const CheckRow &row : rows) {
        const QString latency = QString::number(row.latencyMs, 'f', 1) + u" ms";
        out += QStringLiteral("%1  %2  %3  %4  %5\n")
                   .arg(statusName(row.status), -9)
                   .arg(row.key, -keyWidth)
                   .arg(severityName(row.severity), -8)
                   .arg(latency, 9)
                   .arg(row.detail.simplified());
    }
    static const char *names[] = { "OK", "DEGRADED", "FAIL" };
    int failing = 0;
    for (const CheckRow &row : rows)
        failing += row.counts && row.status != Status::Ok;
    out += u'\n' + QLatin1String(names[int(verdict)]) + u": " + QString::number(rows.size()) + u" rows, "
        + QString::number(failing) + u" not ok\n";
    return out.toUtf8();
}

} // namespace

int runCheckCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("healthdeck"));
    QCommandLineParser parser;
    const QCommandLineOption configOpt(QStringLiteral("config"), QStringLiteral("Config file."), QStringLiteral("FILE"));
    const QCommandLineOption tagOpt(QStringLiteral("tag"), QStringLiteral("Only checks with this tag (repeatable)."),
                                    QStringLiteral("T"));
    const QCommandLineOption serviceOpt(QStringLiteral("service"), QStringLiteral("Only this service (repeatable)."),
                                        QStringLiteral("S"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one line of JSON."));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print nothing; set the exit code."));
    const QCommandLineOption historyOpt(QStringLiteral("history"), QStringLiteral("History file (unused by check)."),
                                        QStringLiteral("FILE"));
    parser.addOptions({ configOpt, tagOpt, serviceOpt, jsonOpt, quietOpt, historyOpt });
    if (const auto exitCode
        = parseCommandLine(parser, "check", QStringLiteral("Run every matching check once and print a verdict.")))
        return *exitCode;
    QString path;
    const std::optional<Config> config = loadCommandConfig("check", parser.value(configOpt), &path);
    if (!config)
        return 2;

    CheckFilter filter { parser.values(serviceOpt), parser.values(tagOpt) };
    for (const QString &s : std::as_const(filter.services)) {
        if (!config->service(s)) {
            printCommandError("check", u"no service named '" + s + u"' in " + path);
            return 2;
        }
    }

    OneShotRun run(*config, filter);
    QObject::connect(&run, &OneShotRun::finished, &app, &QCoreApplication::quit);
    run.start();
    app.exec();

    const QList<CheckRow> &rows = run.rows();
    const Verdict verdict = verdictOf(rows);
    if (!parser.isSet(quietOpt)) {
        const QByteArray out = parser.isSet(jsonOpt) ? jsonReport(rows, verdict, QDateTime::currentDateTimeUtc())
                                                     : textReport(rows, verdict);
        std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
        std::fflush(stdout);
    }
    return verdict == Verdict::Fail ? 1 : 0;
}

} // namespace hd
