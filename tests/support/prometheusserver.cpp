#include "prometheusserver.h"

#include "testutil.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <limits>

using namespace Qt::StringLiterals;

namespace hdtest {

PrometheusServer::~PrometheusServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
}

bool PrometheusServer::start(const QList<Job>& jobs)
{
    const QString binary = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    if (binary.isEmpty()) {
        m_error = QStringLiteral("prometheus is not installed (Debian package prometheus; ./dev.sh deps installs it)");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    QByteArray config
        = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n";
    for (const Job& job : jobs) {
        config += "  - job_name: \"" + job.name.toUtf8() + "\"\n    metrics_path: \"" + job.metricsPath.toUtf8()
            + "\"\n    static_configs:\n      - targets: [";
        for (qsizetype i = 0; i < job.targets.size(); ++i)
            config += (i ? ", \"" : "\"") + job.targets[i].toUtf8() + '"';
        config += "]\n";
    }
    const QString configPath = m_dir.filePath(QStringLiteral("prometheus.yml"));
    QFile file(configPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(config) != config.size()) {
        m_error = u"cannot write " + configPath;
        return false;
    }
    file.close();

    m_port = freePort();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_dir.filePath(QStringLiteral("prometheus.log")));
    m_process.start(binary,
        { u"--config.file="_s + configPath, u"--storage.tsdb.path="_s + m_dir.filePath(QStringLiteral("data")),
            u"--web.listen-address=127.0.0.1:"_s + QString::number(m_port), QStringLiteral("--log.level=warn") });
    if (!m_process.waitForStarted(5000)) {
        m_error = u"prometheus did not start: " + m_process.errorString();
        return false;
    }
    const QDeadlineTimer deadline(30'000);
    while (!deadline.hasExpired()) {
        int status = 0;
        httpRequest("GET", QUrl(url() + u"/-/ready"), {}, &status);
        if (status == 200)
            return true;
        if (m_process.state() == QProcess::NotRunning)
            break;
        QEventLoop loop;
        QTimer::singleShot(200, &loop, &QEventLoop::quit);
        loop.exec();
    }
    QFile log(m_dir.filePath(QStringLiteral("prometheus.log")));
    log.open(QIODevice::ReadOnly);
    m_error = u"prometheus did not become ready on port " + QString::number(m_port) + u": "
        + QString::fromUtf8(log.readAll().right(2000));
    return false;
}

QString PrometheusServer::url() const
{
    return u"http://127.0.0.1:"_s + QString::number(m_port);
}

QJsonObject PrometheusServer::query(const QString& promql) const
{
    QUrl u(url() + u"/api/v1/query");
    u.setQuery(u"query="_s + QString::fromLatin1(QUrl::toPercentEncoding(promql)), QUrl::StrictMode);
    int status = 0;
    return QJsonDocument::fromJson(httpRequest("GET", u, {}, &status)).object();
}

double PrometheusServer::value(const QString& promql) const
{
    const QJsonArray result = query(promql).value(u"data").toObject().value(u"result").toArray();
    if (result.size() != 1)
        return std::numeric_limits<double>::quiet_NaN();
    const QJsonArray pair = result.first().toObject().value(u"value").toArray();
    return pair.size() == 2 ? pair.at(1).toString().toDouble() : std::numeric_limits<double>::quiet_NaN();
}

} // namespace hdtest
