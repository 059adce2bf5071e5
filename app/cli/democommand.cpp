// `healthdeck demo --headless`: the simulated backend plus the monitor engine in
// a terminal, with commands on stdin to break and heal the simulated services.
#include "commandline.h"
#include "frontends.h"
#include "unixsignals.h"

#include "config/loadconfig.h"
#include "demo/demobackend.h"
#include "demo/demoenvironment.h"
#include "demo/demofaults.h"
#include "demo/heartbeatsimulator.h"
#include "runtime/monitorruntime.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace hd {

namespace {

// The commands, from the same vocabulary as the Demo menu, plus the heartbeat writers by name.
QString help()
{
    QString text = QStringLiteral("commands:\n");
    for (const DemoFaultInfo& f : demoFaults())
        text += QStringLiteral("  %1 %2 %3\n").arg(f.breaks, -20).arg(f.heals, -20).arg(f.label);
    text += QStringLiteral("  kill|freeze|degrade|heal SERVICE   a heartbeat writer: ingestion, worker1, worker2,\n"
                           "                                     depth-collector, signal-generator\n"
                           "  quit\n");
    return text;
}

void say(const QString& text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

// One terminal command against the demo; false when it is not understood.
bool applyCommand(DemoEnvironment& env, const QString& line)
{
    const QString command = line.simplified();
    if (command.isEmpty())
        return true;
    for (const DemoFaultInfo& f : demoFaults()) {
        if (command == f.breaks || command == f.heals) {
            applyDemoFault(env, f.fault, command == f.breaks);
            return true;
        }
    }
    const QStringList words = command.split(u' ');
    HeartbeatSimulator* hb = env.heartbeats();
    if (words.size() != 2 || !hb)
        return false;
    const QString& cmd = words.first();
    return cmd == u"kill"   ? hb->kill(words[1])
        : cmd == u"freeze"  ? hb->freeze(words[1])
        : cmd == u"degrade" ? hb->degrade(words[1])
        : cmd == u"heal"    ? hb->heal(words[1])
                            : false;
}

} // namespace

int runHeadlessDemo(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption(QCommandLineOption(QStringLiteral("headless"),
        QStringLiteral("Stay in the terminal even when a "
                       "display is available.")));
    if (const auto exitCode = parseCommandLine(parser, "demo",
            QStringLiteral("Start the simulated trading backend and a private redis-server on free loopback ports,\n"
                           "then open the dashboard on them; without a display, or with --headless, print the\n"
                           "state changes here and take fault commands on stdin. In a window it also takes\n"
                           "--history FILE and --read-only.")))
        return *exitCode;
    DemoEnvironment env;
    if (!env.start()) {
        std::fprintf(stderr, "healthdeck demo: %s\n", qPrintable(env.errorString()));
        return 1;
    }
    for (const QString& note : env.notes())
        std::fprintf(stderr, "healthdeck demo: %s\n", qPrintable(note));
    say(u"healthdeck demo is running:\n" + env.summary());
    say(QStringLiteral("Try: healthdeck check --config %1").arg(env.configPath()));
    std::fputs(qPrintable(help()), stdout);

    const ConfigLoadResult loaded = loadValidatedConfig(env.configPath());
    if (!loaded.config) {
        for (const ConfigError& e : loaded.errors)
            std::fprintf(stderr, "%s\n", qPrintable(e.toString()));
        return 1;
    }
    MonitorRuntime runtime; // no history: the headless demo prints what changes
    QObject::connect(&runtime, &MonitorRuntime::stateChanged, &app, [](const StateChange& c) {
        QString line = c.time.toLocalTime().toString(QStringLiteral("HH:mm:ss")) + u"  "
            + QStringLiteral("%1 %2 -> %3").arg(c.key(), -40).arg(statusName(c.from), -8).arg(statusName(c.to), -8);
        if (!c.impactedBy.isEmpty())
            line += u"  (impacted by " + c.impactedBy + u')';
        if (!c.detail.isEmpty())
            line += u"  " + c.detail;
        say(line);
    });
    runtime.setConfig(*loaded.config);
    runtime.start();

    UnixSignals signals_;
    QObject::connect(&signals_, &UnixSignals::terminate, &app, &QCoreApplication::quit);
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &app, [&] {
        char buffer[512];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer - 1);
        if (n <= 0) {
            input.setEnabled(false); // stdin closed: keep running until a signal
            return;
        }
        for (const QString& line : QString::fromUtf8(buffer, int(n)).split(u'\n', Qt::SkipEmptyParts)) {
            if (line.trimmed() == u"quit")
                app.quit();
            else if (!applyCommand(env, line))
                std::fputs(qPrintable(help()), stdout);
        }
        std::fflush(stdout);
    });
    return app.exec();
}

bool hasDisplay()
{
    return qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || qEnvironmentVariableIsSet("DISPLAY")
        || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
}

bool wantsHeadlessDemo(int argc, char* argv[])
{
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0 || std::strcmp(argv[i], "--help") == 0
            || std::strcmp(argv[i], "-h") == 0)
            return true;
    }
    // No display to open a window on (an SSH session, a container): the terminal demo still shows everything.
    return !hasDisplay();
}

} // namespace hd
