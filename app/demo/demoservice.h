#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>
#include <map>
#include <memory>

class QHttpServer;
class QHttpServerResponder;
class QTcpServer;
class QTcpSocket;

namespace hd {

// One request as a demo service saw it. Secrets are gone before it is stored: the values of
// Authorization, Cookie and API-key headers, and password/token fields of JSON or form bodies.
struct DemoRequest {
    QDateTime time; // UTC, on arrival
    QByteArray method; // "GET", "POST", ...
    QString path;
    QString query; // without the '?'
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString credential; // what the client presented: "session", "bearer", "basic" or empty

    QJsonObject toJson() const;
};

// What a route answers; copyable so that a delayed answer can wait in a timer.
struct DemoReply {
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static DemoReply json(const QJsonObject& object, int status = 200);
    static DemoReply text(const QByteArray& text, int status = 200);
};

// One simulated HTTP service on 127.0.0.1, built on QHttpServer, that can be told to misbehave.
// Faults apply to the service's own routes; the control routes under /_demo/ always answer at once
// so that a test or the dashboard can undo a fault over HTTP.
class DemoService : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoService)

public:
    ~DemoService() override;

    QString name() const { return objectName(); }

    // Listens on 127.0.0.1:port (0 = a free port). False with errorString() when the port is taken.
    bool start(quint16 port = 0);
    bool isListening() const;
    quint16 port() const { return m_port; }
    QUrl baseUrl() const; // http://127.0.0.1:PORT
    QString errorString() const { return m_error; }

    // Faults.
    void setDatabaseDown(bool down);
    bool isDatabaseDown() const { return m_databaseDown; }
    void setLatency(int ms); // every answer of the service's routes waits this long, on a timer
    int latency() const { return m_latencyMs; }
    void setAdminDelay(int ms); // extra wait for the admin routes only
    int adminDelay() const { return m_adminDelayMs; }
    void setHang(bool hang); // requests get no answer at all while set
    bool isHanging() const { return m_hang; }
    void setStartupDelay(int ms); // restarts the startup clock: "starting" until ms from now
    int startupDelay() const { return m_startupDelayMs; }
    bool isStarting() const;
    bool setDown(bool down); // stop listening and close connections; up listens again on the same port
    bool isDown() const { return m_down; }
    virtual void resetFaults();
    int pendingResponses() const { return int(m_pending.size()); } // delayed or hung, still connected

    // The request log (newest last, bounded). Control routes are not logged.
    QList<DemoRequest> requests() const { return m_requests; }
    qint64 requestTotal() const { return m_requestTotal; } // every request served since start, control routes aside
    QList<DemoRequest> requests(const QString& path) const;
    void clearRequests();

    // The document GET /_demo/state returns, and the body POST /_demo/fault takes.
    QJsonObject state() const;
    bool applyControl(const QJsonObject& control, QString* error = nullptr);

Q_SIGNALS:
    void requestLogged(const hd::DemoRequest& request);
    void stateChanged();

protected:
    enum class RouteKind {
        Health, // faults apply
        Admin, // faults apply, plus the admin delay
        Control, // /_demo/: never delayed, never logged
    };
    using Handler = std::function<DemoReply(const QHttpServerRequest& request)>;

    DemoService(const QString& name, QObject* parent);

    void addRoute(
        QHttpServerRequest::Method method, const QString& path, Handler handler, RouteKind kind = RouteKind::Health);
    qint64 uptimeMs() const { return m_startClock.elapsed(); }

    // Service-specific additions to state() and applyControl().
    virtual QJsonObject serviceState() const { return {}; }
    virtual QStringList serviceControlKeys() const { return {}; }
    virtual QString checkServiceControl(const QJsonObject& control) const // the problem, or empty
    {
        Q_UNUSED(control)
        return {};
    }
    virtual void applyServiceControl(const QJsonObject& control) { Q_UNUSED(control) }

private:
    struct Pending {
        std::unique_ptr<QHttpServerResponder> responder;
        QPointer<QTcpSocket> socket;
        QMetaObject::Connection watch;
    };

    void serve(
        const QHttpServerRequest& request, QHttpServerResponder&& responder, const Handler& handler, RouteKind kind);
    void park(QHttpServerResponder&& responder, const DemoReply* reply, int delayMs);
    void logRequest(const QHttpServerRequest& request);
    DemoReply missingRoute(const QHttpServerRequest& request) const;
    DemoService* sibling(const QString& name);
    void addControlRoutes();

    QHttpServer* m_server = nullptr;
    QTcpServer* m_tcp = nullptr;
    quint16 m_port = 0;
    QString m_error;
    QElapsedTimer m_startClock;
    std::multimap<QString, QHttpServerRequest::Method> m_routes; // path -> method, for 405 vs 404
    std::map<quint64, Pending> m_pending;
    quint64 m_nextPendingId = 0;
    QList<DemoRequest> m_requests;
    qint64 m_requestTotal = 0;

    bool m_databaseDown = false;
    int m_latencyMs = 0;
    int m_adminDelayMs = 0;
    bool m_hang = false;
    int m_startupDelayMs = 0;
    bool m_down = false;
};

} // namespace hd

Q_DECLARE_METATYPE(hd::DemoRequest)
