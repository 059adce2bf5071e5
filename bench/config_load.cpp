// How long a big config takes to load and how much memory it needs: writes a config of N services (each with an
// HTTP check and a TCP check, about 330 bytes a service) into a temporary directory, loads it through
// loadConfigFile() as `healthdeck check` does, and prints the time and the peak RSS beside the file's size. A
// second file repeats 100 service names over and over, so nearly every service is a duplicate error.
// See bench/README.md.
//
//   config_load [--services N] [--rounds R] [--file FILE]

#include "config/configloader.h"

#include "benchutil.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <malloc.h>

using namespace hd;
using hdbench::procStatusKb;

namespace {

// `services` services; with `repeatNames`, only 100 distinct names.
bool writeConfig(const QString& path, int services, bool repeatNames)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.write("version: 1\ndefaults:\n  interval: 30s\n  timeout: 5s\nservices:\n");
    QByteArray chunk;
    for (int i = 0; i < services; ++i) {
        const QByteArray n = QByteArray::number(repeatNames ? i % 100 : i);
        const QByteArray port = QByteArray::number(8000 + i % 1000);
        chunk += "  - name: svc-" + n + "\n    group: group-" + QByteArray::number(i % 50)
            + "\n    checks:\n      - name: live\n        interval: 10s\n        http:\n          url: "
              "\"http://127.0.0.1:"
            + port + "/health/" + QByteArray::number(i)
            + "\"\n          method: GET\n        conditions:\n          - \"[STATUS] == 200\"\n"
              "          - \"[RESPONSE_TIME] < 500\"\n      - name: ready\n        tcp: { host: 127.0.0.1, port: "
            + QByteArray::number(9000 + i % 1000) + " }\n";
        if (chunk.size() > (1 << 20)) {
            file.write(chunk);
            chunk.clear();
        }
    }
    file.write(chunk);
    return file.error() == QFileDevice::NoError;
}

// Loads `path` `rounds` times and prints one row: the fastest load, and the peak RSS of the first one.
void measure(const QString& label, const QString& path, int rounds)
{
    const double mib = 1024.0 * 1024.0;
    const qint64 bytes = QFileInfo(path).size();
    double best = -1;
    qint64 before = 0, peak = 0, kept = 0;
    qsizetype services = 0, errors = 0;
    for (int r = 0; r < rounds; ++r) {
        malloc_trim(0);
        QFile clear(QStringLiteral("/proc/self/clear_refs")); // "5" resets VmHWM to the current RSS
        if (clear.open(QIODevice::WriteOnly))
            clear.write("5");
        clear.close();
        const qint64 rss = procStatusKb("VmRSS:");
        QElapsedTimer timer;
        timer.start();
        const ConfigLoadResult result = loadConfigFile(path);
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        if (r == 0) {
            before = rss;
            peak = procStatusKb("VmHWM:");
            kept = procStatusKb("VmRSS:"); // while the loaded Config lives
            services = result.config ? result.config->services.size() : 0;
            errors = result.errors.size();
            if (!result.errors.isEmpty())
                std::printf("  %s: first error %s; last line %s\n", qPrintable(label),
                    qPrintable(result.errors.first().toString()), qPrintable(result.errors.last().toString()));
        }
        best = best < 0 ? seconds : std::min(best, seconds);
    }
    const double grown = double(peak - before) * 1024.0;
    std::printf("%-22s %9.2f %9d %7lld %9.3f %10.1f %10.1f %8.1f %9.1f\n", qPrintable(label), double(bytes) / mib,
        int(services), qlonglong(errors), best, double(peak) / 1024.0, grown / mib, grown / double(bytes),
        double(kept - before) / 1024.0);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("services"), QStringLiteral("Services in the generated configs."),
        QStringLiteral("n"), QStringLiteral("30000") });
    parser.addOption({ QStringLiteral("rounds"), QStringLiteral("Loads of each file; the fastest is shown."),
        QStringLiteral("r"), QStringLiteral("3") });
    parser.addOption({ QStringLiteral("file"), QStringLiteral("Load this config instead of generated ones."),
        QStringLiteral("path") });
    parser.process(app);
    const int services = parser.value(QStringLiteral("services")).toInt();
    const int rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());

    std::printf("%-22s %9s %9s %7s %9s %10s %10s %8s %9s\n", "config", "file MiB", "services", "errors", "load s",
        "peak MiB", "+RSS MiB", "x file", "kept MiB");
    if (parser.isSet(QStringLiteral("file"))) {
        measure(
            QFileInfo(parser.value(QStringLiteral("file"))).fileName(), parser.value(QStringLiteral("file")), rounds);
        return 0;
    }
    QTemporaryDir dir;
    const QString unique = dir.filePath(QStringLiteral("services.yaml"));
    const QString repeated = dir.filePath(QStringLiteral("duplicates.yaml"));
    if (!writeConfig(unique, services, false) || !writeConfig(repeated, services, true)) {
        std::fprintf(stderr, "cannot write the configs into %s\n", qPrintable(dir.path()));
        return 1;
    }
    measure(QStringLiteral("distinct services"), unique, rounds);
    measure(QStringLiteral("repeated names"), repeated, rounds);
    return 0;
}
