// libFuzzer target: the config loader (YAML, ${VAR} expansion, validation) on arbitrary bytes.
#include "config/configloader.h"

#include <QProcessEnvironment>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const QProcessEnvironment env = [] {
        QProcessEnvironment e;
        e.insert(QStringLiteral("API_TOKEN"), QStringLiteral("token"));
        return e;
    }();
    const hd::ConfigLoadResult result = hd::loadConfigString(
        QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)), QStringLiteral("fuzz.yaml"), env);
    // Every error is located and says something.
    for (const hd::ConfigError& e : result.errors) {
        if (e.message.isEmpty())
            __builtin_trap();
    }
    return 0;
}
