#pragma once

#include "admin/adminaction.h"
#include "admin/adminresult.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace hd {

// The trading-system preset (docs/contract.md §6) as a front end uses it: its action and parameter names, which
// action reads back what another changed, and what its read actions answer.
namespace TradingPreset {

inline const QString kSchedulerStatus = QStringLiteral("scheduler-status");
inline const QString kSchedulerStart = QStringLiteral("scheduler-start");
inline const QString kSchedulerStop = QStringLiteral("scheduler-stop");
inline const QString kSchedulerRestart = QStringLiteral("scheduler-restart");
inline const QString kTriggerJob = QStringLiteral("trigger-job");
inline const QString kCacheStats = QStringLiteral("cache-stats");
inline const QString kCacheClear = QStringLiteral("cache-clear");
inline const QString kTestTelegram = QStringLiteral("test-telegram");

inline const QString kJobTypeParam = QStringLiteral("job_type"); // trigger-job's
inline const QString kCacheTypeParam = QStringLiteral("type"); // cache-clear's
inline const QString kExchangeParam = QStringLiteral("exchange");
inline const QString kMarketTypeParam = QStringLiteral("market_type");

// The market types cache-clear knows of: "spot", "futures".
QStringList marketTypes();

// cache-clear's parameters; an empty exchange or market type is left out (every exchange, every market type).
AdminParams cacheClearParams(const QString& type, const QString& exchange, const QString& marketType);

// The read that shows what `action` changed, to make once it was sent (also when its outcome is unknown):
// scheduler-status after a scheduler control or a job run, cache-stats after cache-clear; empty for the others.
QString readBackAction(const QString& action);

} // namespace TradingPreset

// One job of the scheduler, as scheduler-status lists it.
struct SchedulerJob {
    QString id;
    QString name; // the backend's own name: "미체결 주문 업데이트"
    QString jobType; // what trigger-job's job_type calls it
    QString trigger; // "interval[0:01:00]", "cron[hour='9']"
    QDateTime nextRun; // invalid: not scheduled (a stopped scheduler)
};

struct SchedulerStatus {
    bool running = false;
    QList<SchedulerJob> jobs;

    // The jobs of a job type (usually one).
    QList<SchedulerJob> jobsOfType(const QString& jobType) const;
    // The backend's name of the job type's job; empty when it gives none.
    QString jobName(const QString& jobType) const;
};

// The scheduler's state from an answer that carries it: scheduler-status's, and any other successful answer whose
// data lists "jobs". nullopt otherwise.
std::optional<SchedulerStatus> parseSchedulerStatus(const AdminResult& result);

// A field of cache-stats's answer and its label.
struct CacheStatField {
    QString key; // "total_clients"
    QString label; // "Total clients"
};
// The fields a front end shows, in order.
QList<CacheStatField> cacheStatFields();

struct CacheStats {
    QJsonObject data; // the answer's "data"
    QStringList exchanges; // the exchanges the cache knows of ("by_exchange"), for the clear form

    // A field in words: "12", "300 s" for the TTL, "price 12, exchange 6" for an object; empty when absent.
    QString text(const QString& key) const;
};

// cache-stats's successful answer; nullopt for any other.
std::optional<CacheStats> parseCacheStats(const AdminResult& result);

} // namespace hd
