#pragma once
// What the GUI tests share: the dashboard's engine side, started as ui/dashboardapp.cpp starts it.

#include "runtime/monitorruntime.h"
#include "store/historystore.h"

#include <QSignalSpy>
#include <memory>

namespace hdtest {

// A runtime on the history file at historyPath, its store opened the way the dashboard opens it (without blocking
// the window's thread), batches every 50 ms. nullptr when the store did not open on the file.
inline std::unique_ptr<hd::MonitorRuntime> startDashboardRuntime(const QString& historyPath)
{
    hd::HistoryOptions options;
    options.path = historyPath;
    options.flushIntervalMs = 100;
    auto runtime = std::make_unique<hd::MonitorRuntime>(options);
    QSignalSpy opened(runtime->store(), &hd::HistoryStore::opened);
    runtime->store()->openAsync();
    if (!opened.wait(10'000) || !opened.first().at(0).toBool())
        return nullptr;
    runtime->setBatchIntervalMs(50);
    return runtime;
}

} // namespace hdtest
