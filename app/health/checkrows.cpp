#include "checkrows.h"

#include "core/rowkey.h"

namespace hd {

namespace {

CheckRow baseRow(const CheckConfig& check, const ProbeResult& result)
{
    CheckRow row;
    row.service = check.service;
    row.check = check.name;
    row.key = check.key();
    row.severity = check.severity;
    row.latencyMs = result.latencyMs;
    row.result = result;
    return row;
}

void appendJudged(QList<CheckRow>& rows, CheckRow row, const CheckEvaluator& evaluator, const QDateTime& now,
    const MemoryLookup& memory)
{
    row.evaluation = evaluator.evaluate(row.result, now, memory ? memory(row.key) : nullptr);
    row.status = row.evaluation.status;
    row.detail = row.evaluation.detail;
    const QList<HealthItem> items = row.evaluation.items;
    const CheckRow parent = row;
    rows << row;
    for (const HealthItem& item : items) {
        CheckRow sub = parent;
        sub.item = parent.item.isEmpty() ? item.name : parent.item + u'/' + item.name;
        sub.key = RowKey::below(parent.key, item.name);
        sub.status = item.status;
        sub.detail = item.detail;
        sub.counts = false;
        sub.evaluation = CheckEvaluation {};
        sub.evaluation.status = item.status;
        sub.evaluation.detail = item.detail;
        rows << sub;
    }
}

CheckRow judgedRow(
    const CheckConfig& check, const ProbeResult& result, const QString& name, Status status, const QString& detail)
{
    CheckRow row = baseRow(check, result);
    row.check = name;
    row.key = RowKey::make(check.service, name);
    row.status = status;
    row.detail = detail;
    row.evaluation.status = status;
    row.evaluation.detail = detail;
    return row;
}

// An alertmanager source: its own `api` row, the watchdog row, and a row per firing alert keyed
// SERVICE/ALERTNAME/ITEM, judged by the severity map. While the source cannot be read, the alerts last seen stay,
// stale.
QList<CheckRow> alertRows(const CheckConfig& check, const ProbeResult& result)
{
    static const AlertmanagerSourceConfig none;
    const AlertmanagerSourceConfig& source = check.alertmanager ? *check.alertmanager : none;
    QList<CheckRow> rows;
    bool watchdogFiring = false;
    int firing = 0;
    for (const ProbeResult& item : result.items) {
        if (!item.alert)
            continue;
        if (!source.watchdog.isEmpty() && item.alert->labels.value(QStringLiteral("alertname")) == source.watchdog)
            watchdogFiring = !item.alert->stale;
        else
            ++firing;
    }

    CheckRow api;
    if (result.completed()) {
        api = judgedRow(check, result, check.name, Status::Ok,
            firing == 0 ? QStringLiteral("no alerts firing")
                        : QString::number(firing) + (firing == 1 ? u" alert firing" : u" alerts firing"));
    } else {
        const Status failed = result.outcome == ProbeResult::Outcome::AuthRejected
                || result.outcome == ProbeResult::Outcome::Misconfigured
            ? Status::Unknown
            : Status::Down;
        api = judgedRow(check, result, check.name, failed,
            u"Alertmanager cannot be read: " + (result.error.isEmpty() ? outcomeName(result.outcome) : result.error));
    }
    api.result.items.clear();
    rows << api;

    if (!source.watchdog.isEmpty()) {
        const QString detail = watchdogFiring
            ? QString(source.watchdog + u" is firing, as it always should")
            : QString(u"the alert pipeline is not delivering: " + source.watchdog + u" is not firing"
                + (result.completed() ? QString() : u" (" + api.detail + u')'));
        rows << judgedRow(
            check, result, QStringLiteral("watchdog"), watchdogFiring ? Status::Ok : Status::Stale, detail);
    }

    QSet<QString> keys;
    for (const ProbeResult& item : result.items) {
        if (!item.alert)
            continue;
        const AlertFacts& a = *item.alert;
        if (!source.watchdog.isEmpty() && a.labels.value(QStringLiteral("alertname")) == source.watchdog)
            continue;
        CheckRow row = baseRow(check, item);
        row.service = a.service;
        row.check = a.check;
        row.item = item.item;
        row.group = a.group;
        row.key = RowKey::make(a.service, a.check, item.item);
        if (keys.contains(row.key)) // two alerts told apart by neither label: the fingerprint tells them apart
            row.key = RowKey::below(row.key, a.fingerprint);
        keys.insert(row.key);
        const auto mapped = source.severity.constFind(a.severity);
        row.status = mapped != source.severity.constEnd() ? *mapped : Status::Unknown;
        row.detail = a.summary;
        if (mapped == source.severity.constEnd())
            row.detail
                = u"unmapped severity '" + a.severity + u"'" + (a.summary.isEmpty() ? QString() : u": " + a.summary);
        if (a.stale) {
            row.status = Status::Stale;
            row.detail = u"last seen firing; " + a.staleReason + (a.summary.isEmpty() ? QString() : u": " + a.summary);
        }
        row.evaluation.status = row.status;
        row.evaluation.detail = row.detail;
        rows << row;
    }
    return rows;
}

} // namespace

QList<CheckRow> rowsForResult(const CheckConfig& check, const CheckEvaluator& evaluator, const ProbeResult& result,
    const QDateTime& now, const MemoryLookup& memory)
{
    if (check.kind == ProbeKind::Alertmanager)
        return alertRows(check, result);
    QList<CheckRow> rows;
    // A Redis pattern gives a row per key, a Prometheus query a row per series; an item without a name (a
    // series without labels) is the check's own row.
    const bool isPattern = check.kind == ProbeKind::Redis && check.redis().mode == RedisProbeConfig::Mode::Pattern;
    const bool isQuery = check.kind == ProbeKind::Prometheus;
    if ((isPattern || isQuery) && result.completed()) {
        for (const ProbeResult& itemResult : result.items) {
            CheckRow row = baseRow(check, itemResult);
            row.item = itemResult.item;
            if (!row.item.isEmpty())
                row.key = RowKey::below(check.key(), itemResult.item);
            appendJudged(rows, row, evaluator, now, memory);
        }
        if (rows.isEmpty()) {
            CheckRow row = baseRow(check, result);
            if (isPattern) {
                row.status = Status::Stale;
                row.detail = u"no key matches " + check.redis().key;
            } else {
                row.status = check.prometheus().emptyOk ? Status::Ok : Status::Down;
                row.detail = QStringLiteral("query returned no series");
            }
            row.evaluation.status = row.status;
            row.evaluation.detail = row.detail;
            rows << row;
        }
        return rows;
    }
    appendJudged(rows, baseRow(check, result), evaluator, now, memory);
    return rows;
}

} // namespace hd
