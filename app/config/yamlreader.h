#pragma once

#include "config/config.h"

#include "config/yamltree.h"

#include <QProcessEnvironment>
#include <QSet>
#include <memory>

namespace hd {

// One key/value pair of a YAML map.
struct YamlField {
    QString name;
    YamlNode key;
    YamlNode value;
};

// A string with the place it was written, for cross-references checked later.
struct LocatedString {
    QString text;
    SourceLocation where;
};

// The fields of one YAML map that passed the key checks.
class YamlFields {
public:
    const YamlField* find(QStringView name) const;
    bool has(QStringView name) const { return find(name) != nullptr; }
    const QList<YamlField>& all() const { return m_fields; }

    SourceLocation owner; // where to report what the map lacks: its key, or the map itself
    QString what; // how messages name the map: "a check", "'http'"

private:
    friend class YamlReader;
    QList<YamlField> m_fields;
};

// Reads YAML nodes into values and collects located errors and warnings.
// Every scalar goes through ${VAR} expansion here, so locations stay those of
// the source text. Nothing in here throws.
class YamlReader final {
public:
    YamlReader(QString label, QByteArray source, QProcessEnvironment env);

    // The single document, or nullopt after recording why not. The nodes live as long as the reader.
    std::optional<YamlNode> parse();

    SourceLocation at(const YamlNode& node) const;
    SourceLocation atKeyOrValue(const YamlField& field) const; // the value, or the key when the value is empty
    // The first character of a scalar's text, after an opening quote.
    SourceLocation atContent(const YamlNode& node) const;
    // The first occurrence of `needle` in the source at or after `node`, else the node itself.
    SourceLocation atText(const YamlNode& node, QStringView needle) const;

    void error(const SourceLocation& where, const QString& message);
    void warning(const SourceLocation& where, const QString& message);
    QList<ConfigError> takeErrors();
    QList<ConfigError> takeWarnings();
    bool hasErrors() const { return !m_errors.isEmpty(); }

    static QString describe(const YamlNode& node); // "a map", "a list", "'ten'", "nothing"

    // Reads a map. Reports a value that is not a map, a key that is not a
    // string, a duplicate key and, when `known` is not empty, an unknown key
    // (with a "did you mean"). Merge keys (`<<: *anchor`) are applied.
    // `entryNoun` names the entries in duplicate messages ("redis server").
    std::optional<YamlFields> map(const YamlNode& node, const SourceLocation& owner, const QString& what,
        const QStringList& known, const QString& entryNoun = QString());
    std::optional<YamlFields> map(
        const YamlField& field, const QString& what, const QStringList& known, const QString& entryNoun = QString());

    // The expanded text of a scalar; null gives "". Records an error for a map or list.
    std::optional<QString> string(const YamlField& field);
    std::optional<QString> scalarText(const YamlNode& node, const QString& what);
    std::optional<int> integer(const YamlField& field, int min, int max);
    std::optional<bool> boolean(const YamlField& field);
    std::optional<qint64> duration(const YamlField& field); // must be > 0
    std::optional<qint64> size(const YamlField& field);
    std::optional<QList<LocatedString>> stringList(const YamlField& field);

    // Shorthands: nullopt when the key is absent.
    std::optional<QString> string(const YamlFields& fields, QStringView name);
    // A password or token: read as string(), and remembered when its text is written into the file rather than
    // taken from ${VAR} or the keychain.
    std::optional<QString> secret(const YamlField& field);
    std::optional<QString> secret(const YamlFields& fields, QStringView name);
    // Remembers `field` as a literal secret (`what` names it) unless its text comes from ${VAR}.
    void noteSecret(const YamlField& field, const QString& what);
    // Where each literal secret stands, with its key's name.
    const QList<LocatedString>& literalSecrets() const { return m_literalSecrets; }
    std::optional<int> integer(const YamlFields& fields, QStringView name, int min, int max);
    std::optional<bool> boolean(const YamlFields& fields, QStringView name);
    std::optional<qint64> duration(const YamlFields& fields, QStringView name);
    std::optional<qint64> size(const YamlFields& fields, QStringView name);
    std::optional<QList<LocatedString>> stringList(const YamlFields& fields, QStringView name);

    // Converts any YAML value to JSON: plain scalars become numbers, booleans
    // or null where they read as such, quoted scalars stay strings.
    std::optional<QJsonValue> json(const YamlNode& node, int depth = 0);

private:
    static constexpr qsizetype kMaxReported = 20;
    // The messages of one kind as they will be reported: the kMaxReported first in file order, each once,
    // and a count of the rest. A config with one mistake repeated 90,000 times keeps 20 messages, not 90,000.
    class Messages {
    public:
        void add(const SourceLocation& where, const QString& message);
        bool isEmpty() const { return m_first.isEmpty(); }
        QList<ConfigError> take(const QString& label, const QString& noun);

    private:
        QList<ConfigError> m_first; // sorted by line and column; equal locations in the order they came
        QSet<QByteArray> m_seen; // line, column and a hash of the message: each message once
    };

    QString syntaxHint(int line) const;
    SourceLocation locationOfOffset(qsizetype offset) const;
    bool requireValue(const YamlField& field);

    QString m_label;
    QByteArray m_source;
    std::unique_ptr<YamlTree> m_tree;
    QList<quint32> m_lineStarts; // a config is far below 4 GiB
    QProcessEnvironment m_env;
    Messages m_errors;
    Messages m_warnings;
    QList<LocatedString> m_literalSecrets;
    int m_mergeDepth = 0;
};

} // namespace hd
