#pragma once

#include <functional>

#include "demo/demoservice.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>

namespace hd {

// The Flask trading system (seed 004): health routes, and the admin API of docs/contract.md §6 with real
// state behind it: a scheduler that stops and starts, jobs whose next run moves, caches that empty,
// session login. Admin answers are {"success", "message" (Korean), "data"}.
//
// Why it is longer than 600 lines (about 870): it is one simulated service, and each of its routes is a short
// handler over the same state; the routing and the HTTP server are DemoService's.
class DemoTradingApi final : public DemoService {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoTradingApi)

public:
    explicit DemoTradingApi(QObject* parent = nullptr);
    ~DemoTradingApi() override;

    // Admin auth: a session from POST /login, the bearer token, or basic credentials.
    void setCredentials(const QString& username, const QString& password);
    QString username() const { return m_username; }
    QString password() const { return m_password; }
    void setBearerToken(const QString& token); // empty: bearer auth refused
    QString bearerToken() const { return m_token; }
    void expireSessions();
    int sessionCount() const { return int(m_sessions.size()); }
    int loginCount() const { return m_logins; } // successful logins
    int failedLoginCount() const { return m_failedLogins; }

    // Admin actions that passed auth and ran, by path ("/api/system/trigger-job").
    int actionCount(const QString& path) const { return m_actionCounts.value(path); }

    // Scheduler.
    static QStringList jobTypes(); // update_orders, calculate_pnl, daily_summary, calculate_performance
    bool isSchedulerRunning() const { return m_schedulerRunning; }
    void startScheduler();
    void stopScheduler();
    int schedulerStartCount() const { return m_schedulerStarts; }
    int jobRunCount(const QString& jobType) const; // scheduled and triggered runs; -1 for an unknown type
    int manualRunCount(const QString& jobType) const; // runs from POST /api/system/trigger-job
    QDateTime nextRunTime(const QString& jobType) const; // null while the scheduler is stopped
    void setJobInterval(const QString& jobType, qint64 ms); // turns the job into an interval job

    // Caches. type: "price" or "exchange"; empty filters match everything.
    int cacheEntryCount(const QString& type, const QString& exchange = {}, const QString& marketType = {}) const;
    void resetCaches(); // refill with the demo contents

    // Admin routes that break instead of answering: the action does not run, and the client gets
    // an HTML page, an empty body, truncated JSON, or a 500 with a Python traceback.
    enum class BadBody { None, Html, Empty, InvalidJson, StackTrace };
    void setAdminBadBody(BadBody badBody);
    BadBody adminBadBody() const { return m_badBody; }

    void resetFaults() override; // also clears the bad body and the Telegram failure

    // Whether the service's Redis answers, as GET /metrics reports it (messenger_health_check_status{check="redis"}).
    // The demo environment asks its private redis-server; without a probe Redis counts as up.
    void setRedisProbe(std::function<bool()> probe) { m_redisUp = std::move(probe); }

    // Telegram.
    int telegramTestCount() const { return m_telegramTests; } // messages "sent"
    void setTelegramFailing(bool failing);

Q_SIGNALS:
    void actionExecuted(const QString& path);

protected:
    QJsonObject serviceState() const override;
    QStringList serviceControlKeys() const override;
    QString checkServiceControl(const QJsonObject& control) const override;
    void applyServiceControl(const QJsonObject& control) override;

private:
    struct Job {
        QString type;
        QString id;
        QString name;
        qint64 intervalMs = 0; // 0: daily at cronTime (UTC)
        QTime cronTime;
        QDateTime nextRun;
        QDateTime lastRun;
        int runs = 0;
        int manualRuns = 0;
        QString trigger() const;
    };
    struct CacheEntry {
        QString type; // price | exchange
        QString exchange;
        QString marketType;
        QString key; // symbol, or the client id
        QDateTime created;
    };

    void addAdminRoute(QHttpServerRequest::Method method, const QString& path, Handler handler);
    bool isAuthorized(const QHttpServerRequest& request) const;
    DemoReply login(const QHttpServerRequest& request);
    DemoReply badBody() const;
    DemoReply schedulerStatus() const;
    DemoReply schedulerControl(const QHttpServerRequest& request);
    DemoReply triggerJob(const QHttpServerRequest& request);
    DemoReply cacheStats() const;
    DemoReply cacheClear(const QHttpServerRequest& request);
    DemoReply testTelegram();
    DemoReply exchangeMetadata() const;
    DemoReply health() const;
    DemoReply detailedHealth() const;
    DemoReply metrics();

    Job* job(const QString& type);
    const Job* job(const QString& type) const;
    void scheduleJob(Job& job, const QDateTime& now);
    void armTimer();
    void runDueJobs();
    void runJob(Job& job, bool manual);

    QString m_username;
    QString m_password;
    QString m_token;
    QSet<QString> m_sessions;
    int m_logins = 0;
    int m_failedLogins = 0;
    QHash<QString, int> m_actionCounts;
    std::function<bool()> m_redisUp;
    // GET /metrics: each scrape runs the three checks once and adds their durations to a histogram.
    struct CheckHistogram {
        QList<qint64> buckets; // cumulative counts, one per kMetricBuckets bound, then +Inf
        double sum = 0;
        qint64 count = 0;
    };
    QMap<QString, CheckHistogram> m_checkDurations;

    QList<Job> m_jobs;
    bool m_schedulerRunning = false;
    int m_schedulerStarts = 0;
    QTimer m_jobTimer;

    QList<CacheEntry> m_cache;
    int m_telegramTests = 0;
    bool m_telegramFailing = false;
    BadBody m_badBody = BadBody::None;
};

} // namespace hd
