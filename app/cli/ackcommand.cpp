// `healthdeck ack`: acknowledge one row by its `check --json` key. healthdeck's own checks are acknowledged in
// the history, which dashboards and monitors sharing it honour; an Alertmanager alert is acknowledged with a
// silence in its Alertmanager. --remove takes the acknowledgement back. Exit 0 done, 1 refused, 2 usage or config.
#include "commandline.h"
#include "frontends.h"

#include "admin/adminclient.h"
#include "core/duration.h"
#include "core/rowkey.h"
#include "probing/oneshotrun.h"
#include "sources/alertmanagersilences.h"
#include "store/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <cstdio>

namespace hd {

namespace {

constexpr const char* kCommand = "ack";

void say(const QString& text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

// The configured check a key belongs to: "service/check" and anything below it.
const CheckConfig* ownCheck(const Config& config, const QString& key)
{
    const RowKey parts = RowKey::parse(key);
    if (!key.contains(u'/'))
        return nullptr;
    const ServiceConfig* service = config.service(parts.service);
    if (!service)
        return nullptr;
    for (const CheckConfig& check : service->checks) {
        if (check.kind != ProbeKind::Alertmanager && check.name == parts.check)
            return &check;
        // A source's own rows, `am/api` and `am/watchdog`; alerts are keyed by their own services.
        if (check.kind == ProbeKind::Alertmanager && parts.item.isEmpty() && key.count(u'/') == 1
            && (parts.check == check.name || parts.check == u"watchdog"))
            return &check;
    }
    return nullptr;
}

// Reads every source once and finds the alert row `key`.
std::optional<CheckRow> findAlertRow(const Config& config, const QString& key, QString* problem)
{
    CheckFilter filter;
    for (const ServiceConfig& service : config.services) {
        for (const CheckConfig& check : service.checks) {
            if (check.kind == ProbeKind::Alertmanager)
                filter.services << service.name;
        }
    }
    if (filter.services.isEmpty())
        return std::nullopt;
    OneShotRun run(config, filter);
    QEventLoop loop;
    QObject::connect(&run, &OneShotRun::finished, &loop, &QEventLoop::quit);
    run.start();
    loop.exec();
    QStringList unreadable;
    for (const CheckRow& row : run.rows()) {
        if (row.key == key && row.result.alert)
            return row;
        if (row.check == u"api" && row.status != Status::Ok && !row.result.alert)
            unreadable << row.key + u": " + row.detail;
    }
    if (!unreadable.isEmpty())
        *problem = unreadable.join(u"; ");
    return std::nullopt;
}

const CheckConfig* sourceCheck(const Config& config, const QString& sourceName)
{
    if (const ServiceConfig* service = config.service(sourceName)) {
        for (const CheckConfig& check : service->checks) {
            if (check.kind == ProbeKind::Alertmanager)
                return &check;
        }
    }
    return nullptr;
}

void audit(HistoryStore* store, const AuditEntry& entry)
{
    if (!store)
        return;
    QEventLoop loop;
    store->appendAudit(entry, &loop, [&loop](const WriteResult& result) {
        if (!result.ok)
            std::fprintf(stderr, "healthdeck ack: could not record the audit entry: %s\n", qPrintable(result.error));
        loop.quit();
    });
    loop.exec();
}

} // namespace

int runAckCommand(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("healthdeck"));
    QCommandLineParser parser;
    const QCommandLineOption configOpt = configOption();
    const QCommandLineOption commentOpt(
        QStringLiteral("comment"), QStringLiteral("Why (required to acknowledge)."), QStringLiteral("TEXT"));
    const QCommandLineOption expiryOpt(QStringLiteral("expiry"),
        QStringLiteral(
            "Ends after D (30m, 2h). Own checks: default until they recover; alerts: the source's ack expiry."),
        QStringLiteral("D"));
    const QCommandLineOption authorOpt(
        QStringLiteral("author"), QStringLiteral("Who (default: the login name)."), QStringLiteral("NAME"));
    const QCommandLineOption historyOpt = historyOption();
    const QCommandLineOption removeOpt(QStringLiteral("remove"), QStringLiteral("Take the acknowledgement back."));
    parser.addOptions({ configOpt, commentOpt, expiryOpt, authorOpt, historyOpt, removeOpt, inertNoRemediateOption() });
    if (const auto exitCode = parseCommandLine(parser, kCommand,
            QStringLiteral("Acknowledge the row KEY (as `check --json` keys it): in the history for healthdeck's own "
                           "checks, as an Alertmanager silence for an alert."),
            { QStringLiteral("KEY") }))
        return *exitCode;
    const QString key = parser.positionalArguments().at(1).trimmed();
    const bool remove = parser.isSet(removeOpt);
    const QString comment = parser.value(commentOpt).trimmed();
    if (!remove && comment.isEmpty()) {
        printCommandError(kCommand, QStringLiteral("--comment TEXT is required: say why"));
        return 2;
    }
    std::optional<qint64> expiryMs;
    if (parser.isSet(expiryOpt)) {
        expiryMs = parseDurationMs(parser.value(expiryOpt));
        if (!expiryMs || *expiryMs <= 0) {
            printCommandError(kCommand, u"bad expiry '" + parser.value(expiryOpt) + u"': use 30m, 2h or 1d");
            return 2;
        }
    }
    const QString author = parser.isSet(authorOpt) ? parser.value(authorOpt) : AdminClient::osUser();
    QString path;
    const std::optional<Config> config = loadCommandConfig(kCommand, parser.value(configOpt), &path);
    if (!config)
        return 2;

    HistoryOptions options;
    options.path = parser.isSet(historyOpt) ? parser.value(historyOpt) : HistoryStore::defaultPath();
    options.retention = config->history;
    HistoryStore store(options);
    const QDateTime now = QDateTime::currentDateTimeUtc();

    if (ownCheck(*config, key)) {
        if (!store.open() || store.isDegraded()) {
            printCommandError(kCommand,
                u"cannot open the history " + options.path
                    + (store.degradedReason().isEmpty() ? QString() : u": " + store.degradedReason()));
            return 1;
        }
        if (remove) {
            const WriteResult r = store.clearAcksSync(key, now.toMSecsSinceEpoch(), QStringLiteral("removed"));
            if (!r.ok) {
                printCommandError(kCommand, u"could not write the history: " + r.error);
                return 1;
            }
            if (r.rowsAffected > 0)
                say(u"removed the acknowledgement of " + key);
            else
                say(key + u" had no acknowledgement to remove");
            return 0;
        }
        Ack ack;
        ack.checkKey = key;
        ack.author = author;
        ack.comment = comment;
        ack.createdMs = now.toMSecsSinceEpoch();
        ack.expiresMs = expiryMs ? ack.createdMs + *expiryMs : 0;
        const WriteResult r = store.addAckSync(ack);
        if (!r.ok) {
            printCommandError(kCommand, u"could not write the history: " + r.error);
            return 1;
        }
        say(u"acknowledged " + key + u" in " + options.path
            + (expiryMs ? u" until " + now.addMSecs(*expiryMs).toString(Qt::ISODate)
                        : QStringLiteral(" until it recovers")));
        return 0;
    }

    QString problem;
    const std::optional<CheckRow> row = findAlertRow(*config, key, &problem);
    if (!row) {
        printCommandError(kCommand,
            u"no row " + key + u" in " + path
                + (problem.isEmpty() ? QStringLiteral(" (keys are as `healthdeck check --json` prints them)")
                                     : u" among the firing alerts; " + problem));
        return 2;
    }
    const AlertFacts& alert = *row->result.alert;
    const CheckConfig* source = sourceCheck(*config, alert.source);
    if (!source) {
        printCommandError(kCommand, u"no source " + alert.source);
        return 2;
    }
    const bool historyOpen = store.open() && !store.isDegraded();
    AuditEntry entry;
    entry.timeMs = now.toMSecsSinceEpoch();
    entry.osUser = AdminClient::osUser();
    entry.service = alert.source;
    entry.params = QJsonObject { { QStringLiteral("key"), key }, { QStringLiteral("author"), author } };

    AlertmanagerSilences silences;
    int failures = 0;
    QEventLoop loop;
    if (remove) {
        if (alert.silencedBy.isEmpty()) {
            say(key + u" is not silenced");
            return 0;
        }
        entry.action = QStringLiteral("alertmanager-expire-silence");
        for (const QString& id : alert.silencedBy) {
            silences.expire(*source, id, [&](bool ok, int status, const QString&, const QString& message) {
                AuditEntry e = entry;
                e.params.insert(QStringLiteral("silence"), id);
                e.httpStatus = status;
                e.result = ok ? QStringLiteral("success") : QStringLiteral("failure");
                e.message = message;
                audit(historyOpen ? &store : nullptr, e);
                if (ok)
                    say(u"expired silence " + id + u" of " + key);
                else
                    printCommandError(kCommand,
                        u"Alertmanager refused to expire silence " + id + u": "
                            + (status ? u"HTTP " + QString::number(status) + u' ' : QString()) + message);
                failures += ok ? 0 : 1;
                loop.quit();
            });
            loop.exec();
        }
        return failures == 0 ? 0 : 1;
    }

    const SilenceRequest request
        = silenceForAlert(*source->alertmanager, alert, author, comment, now, expiryMs.value_or(0));
    entry.action = QStringLiteral("alertmanager-silence");
    QJsonArray matchers;
    for (const auto& [name, value] : request.matchers)
        matchers << QString(name + u'=' + value);
    entry.params.insert(QStringLiteral("matchers"), matchers);
    entry.params.insert(QStringLiteral("comment"), comment);
    entry.params.insert(QStringLiteral("ends"), request.endsAt.toString(Qt::ISODate));
    silences.create(*source, request, [&](bool ok, int status, const QString& id, const QString& message) {
        entry.httpStatus = status;
        entry.result = ok ? QStringLiteral("success") : QStringLiteral("failure");
        entry.message = ok ? u"silence " + id : message;
        audit(historyOpen ? &store : nullptr, entry);
        if (ok)
            say(u"silenced " + key + u" in Alertmanager as " + id + u" until " + request.endsAt.toString(Qt::ISODate));
        else
            printCommandError(kCommand,
                u"Alertmanager refused the silence: " + (status ? u"HTTP " + QString::number(status) + u' ' : QString())
                    + message);
        failures += ok ? 0 : 1;
        loop.quit();
    });
    loop.exec();
    return failures == 0 ? 0 : 1;
}

} // namespace hd
