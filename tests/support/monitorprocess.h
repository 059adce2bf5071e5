#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QStringList>

namespace hdtest {

// A running `healthdeck monitor ARGS` whose stdout JSON lines are collected as they arrive.
class MonitorProcess {
public:
    explicit MonitorProcess(const QStringList& args);
    ~MonitorProcess(); // kills it when still running

    bool waitFinished(int ms);
    // How many state-change lines took the row KEY ("service/check[/item]") to status `to`.
    int countTo(const QString& key, const QString& to) const;
    // The `"action":"auto-heal"` lines.
    QList<QJsonObject> autoHeal() const;

    QProcess process;
    QByteArray buffer;
    QByteArray err;
    QList<QJsonObject> lines;
    QList<QByteArray> raw;
};

} // namespace hdtest
