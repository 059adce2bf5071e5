#pragma once

#include "config/config.h"
#include "config/yamlreader.h"

#include <QDir>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

// The pieces ConfigLoader builds a Config with: one class per part of the file (checks, sources, admin, remediate,
// calendars and maintenance; the top level in configloader.cpp), on one shared load state. Internal to hd_config.
namespace hd::configparse {

QStringList keys(const char* spaceSeparated);
QString quoted(const QString& text);
QString andList(const QStringList& items);
QString didYouMean(const QString& word, const QStringList& candidates);
QString lineOf(const SourceLocation& where);
const QStringList& probeKeys();

// What the parts of one load share: the reader every problem goes to, the file's folder, the Config being built,
// and what one part leaves for a later cross-check.
struct ConfigLoadState {
    ConfigLoadState(YamlReader& reader, const QString& baseDir, Config& config)
        : yaml(reader)
        , dir(baseDir)
        , cfg(config)
    {
    }

    YamlReader& yaml;
    QDir dir;
    Config& cfg;
    QList<QList<LocatedString>> deps; // per service, in cfg.services order
    bool sourcesDeclared = false; // the file has a non-empty 'sources:' list
    bool hasSources = false; // an unknown dependency may then name the service of an alert
    struct PendingRemediation {
        QString service;
        QString action;
        SourceLocation where;
    };
    QList<PendingRemediation> remediations; // checked once admin: is read
};

// The base of every part: the shared state and the pieces more than one part reads values with.
class ConfigSection {
public:
    explicit ConfigSection(ConfigLoadState& state);

protected:
    QString resolvePath(const QString& path) const;
    std::optional<QString> required(const YamlFields& f, QStringView name, const QString& missing);
    std::optional<QString> name(const YamlFields& f, const QString& what);
    std::optional<Severity> severity(const YamlFields& f);
    const YamlField* exactlyOne(
        const YamlFields& f, const QStringList& options, const QString& none, const QString& many);
    std::optional<QUrl> httpUrl(const YamlField& field, const QString& missing);
    void parseTls(const YamlField& field, TlsClientConfig& tls);
    std::optional<BasicAuth> parseBasic(const YamlField& field);
    std::optional<QByteArray> method(const YamlField& field);
    void parseHeaders(const YamlField& field, HttpProbeConfig& h);
    void parseAuthAndTls(const YamlFields& f, HttpProbeConfig& h);

    ConfigLoadState& m_state;
    YamlReader& m_yaml;
    const QDir& m_dir;
    Config& m_cfg;
};

} // namespace hd::configparse
