#include "dashboardapp.h"
#include "demomenu.h"

#include "admin/adminservice.h"
#include "config/loadconfig.h"
#include "demo/demosession.h"
#include "remediation/remediationlease.h"
#include "remediation/remediationplanner.h"
#include "runtime/monitorruntime.h"
#include "store/historystore.h"
#include "ui/adminpanel.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <cstdio>
#include <memory>

namespace hd {

namespace {

void printErr(const QString& text)
{
    std::fprintf(stderr, "%s\n", qPrintable(text));
}

} // namespace

int runDashboard(int argc, char* argv[], bool demo)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("healthdeck"));
    QApplication::setOrganizationName(QStringLiteral("healthdeck"));
    QApplication::setApplicationVersion(QStringLiteral(HEALTHDECK_VERSION));
    // The name of the installed .desktop file: the Wayland app id, and how the desktop finds the icon.
    QApplication::setDesktopFileName(QStringLiteral("org.healthdeck.healthdeck"));
    // Fusion draws our light and dark palettes faithfully on every platform.
    QApplication::setStyle(QStringLiteral("Fusion"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The healthdeck dashboard."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOpt(
        QStringLiteral("config"), QStringLiteral("Config file."), QStringLiteral("FILE"));
    const QCommandLineOption historyOpt(
        QStringLiteral("history"), QStringLiteral("SQLite history file."), QStringLiteral("FILE"));
    const QCommandLineOption readOnlyOpt(
        QStringLiteral("read-only"), QStringLiteral("Hide and refuse admin actions and Alertmanager silences."));
    const QCommandLineOption metricsOpt(QStringLiteral("metrics-listen"),
        QStringLiteral("Serve Prometheus metrics at http://ADDR/metrics (HOST:PORT; :PORT binds 127.0.0.1). "
                       "Without it, the setting metrics/listen applies; off by default."),
        QStringLiteral("ADDR"));
    const QCommandLineOption noRemediateOpt(QStringLiteral("no-remediate"),
        QStringLiteral("Start with auto-heal (the config's remediate: actions) switched off."));
    parser.addOptions({ configOpt, historyOpt, readOnlyOpt, metricsOpt, noRemediateOpt });
    if (demo)
        parser.addPositionalArgument(QStringLiteral("demo"), QStringLiteral("Open the bundled demo."));
    parser.process(app);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > (demo ? 1 : 0)) {
        printErr(u"healthdeck: unexpected argument '" + positional.last() + u'\'');
        return 2;
    }

    QString path = demo ? QString() : defaultConfigPath(parser.value(configOpt));
    if (!demo && !parser.value(configOpt).isEmpty() && !QFileInfo::exists(path)) {
        printErr(u"healthdeck: no such config file: " + path);
        return 2;
    }
    if (path.isEmpty())
        demo = true; // a fresh machine opens on the bundled demo
    // The demo starts on its own thread while the window opens; the config is watched once the demo listens.
    std::unique_ptr<DemoSession> session;
    if (demo) {
        session = std::make_unique<DemoSession>();
        session->start();
    }

    HistoryOptions options;
    if (parser.isSet(historyOpt))
        options.path = parser.value(historyOpt);
    else if (demo)
        options.path = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
            + QStringLiteral("/healthdeck/demo-history.sqlite");
    else
        options.path = HistoryStore::defaultPath();
    MonitorRuntime runtime(options); // the engine, the config watcher and the history, each on its thread
    HistoryStore& store = *runtime.store();
    store.openAsync();
    MainWindow window(&runtime, &store);
    if (session) {
        window.setDemoMenu(addDemoMenu(window.menuBar(), session.get()));
        QObject::connect(session.get(), &DemoSession::started, &window,
            [&runtime, &window, demo = session.get()](bool ok, const QString& problem) {
                if (!ok) {
                    printErr(u"healthdeck demo: " + problem);
                    QCoreApplication::exit(1);
                    return;
                }
                for (const QString& note : demo->notes())
                    printErr(u"healthdeck demo: " + note);
                window.setConfigPath(demo->configPath());
                runtime.watchConfig(demo->configPath());
            });
    } else {
        window.setConfigPath(path);
    }

    // Admin actions for the selected service, run on the admin thread; every reload hands them the new admin: section.
    AdminService admin;
    admin.setHistoryStore(&store);
    const bool readOnly = parser.isSet(readOnlyOpt);
    window.setReadOnly(readOnly);
    auto* panel = new AdminPanel(&admin, &store);
    window.setAdminPanel(panel);
    // Auto-heal runs here too, through the same admin service; only the holder of the history's lease acts, so a
    // `healthdeck monitor` on the same history never acts as well.
    RemediationPlanner planner(&admin, &store);
    RemediationLease lease(&store, QStringLiteral("dashboard"));
    planner.setEnabled(!parser.isSet(noRemediateOpt));
    planner.setReadOnly(readOnly);
    planner.setLease(&lease);
    QObject::connect(&runtime, &MonitorRuntime::rowsUpdated, &planner, &RemediationPlanner::updateRows);
    QObject::connect(&runtime, &MonitorRuntime::rowsRemoved, &planner, &RemediationPlanner::removeRows);
    QObject::connect(
        &runtime, &MonitorRuntime::configLoaded, panel, [&admin, &planner, panel, readOnly](const Config& config) {
            admin.setConfig(config);
            if (readOnly)
                admin.setReadOnly(true);
            panel->reloadActions();
            panel->followSelection(panel->service());
            planner.setConfig(config); // takes the lease when there is something to heal
        });
    window.setRemediation(&planner);
    // The Admin tab opens on the selected row's service when it has admin actions, else on the first that does.
    QObject::connect(&window, &MainWindow::serviceSelected, panel, [panel](const QString& service) {
        if (!service.isEmpty())
            panel->followSelection(service);
    });
    if (!session)
        runtime.watchConfig(path);
    const QString metricsAddress = parser.isSet(metricsOpt)
        ? parser.value(metricsOpt)
        : QSettings().value(QStringLiteral("metrics/listen")).toString().trimmed();
    if (!metricsAddress.isEmpty()) {
        QObject::connect(
            &runtime, &MonitorRuntime::metricsServing, &window, [](const QString& address, const QString& error) {
                if (address.isEmpty())
                    printErr(u"healthdeck: metrics not served: " + error);
                else
                    printErr(u"healthdeck: serving metrics at http://" + address + u"/metrics");
            });
        runtime.serveMetrics(metricsAddress);
    }
    window.show();
    return app.exec();
}

} // namespace hd
