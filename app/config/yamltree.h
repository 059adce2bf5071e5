#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace hd {

class YamlTree;

// One node of a YamlTree: a handle that is cheap to copy and valid while its tree lives. A default-constructed
// node is undefined. The predicates are named as yaml-cpp's, which the config loader was first written against.
class YamlNode final {
public:
    enum class Type : quint8 { Undefined, Null, Scalar, Sequence, Map };

    YamlNode() = default;

    Type type() const;
    bool IsDefined() const { return type() != Type::Undefined; }
    bool IsNull() const { return type() == Type::Null; }
    bool IsScalar() const { return type() == Type::Scalar; }
    bool IsSequence() const { return type() == Type::Sequence; }
    bool IsMap() const { return type() == Type::Map; }

    // A scalar's text as written after YAML's unquoting and folding, before ${VAR} expansion; empty otherwise.
    QByteArrayView utf8() const;
    QString Scalar() const { return QString::fromUtf8(utf8()); }
    // A scalar written plain and without a tag, so that it may read as a number, a boolean or null.
    bool IsPlain() const;
    // The byte offset in the source where the node starts (at its anchor or tag when it has one). An empty value
    // has no text of its own: it stands where the next token starts, as yaml-cpp placed it.
    qsizetype offset() const;

    // Items of a list, pairs of a map, else 0.
    qsizetype size() const;
    YamlNode item(qsizetype i) const; // of a list
    YamlNode key(qsizetype i) const; // of a map's pair i
    YamlNode value(qsizetype i) const;

    // Iterates the items of a list (nothing for anything else).
    class Iterator;
    Iterator begin() const;
    Iterator end() const;

private:
    friend class YamlTree;
    YamlNode(const YamlTree* tree, quint32 index)
        : m_tree(tree)
        , m_index(index)
    {
    }
    const YamlTree* m_tree = nullptr;
    quint32 m_index = 0;
};

class YamlNode::Iterator final {
public:
    YamlNode operator*() const { return m_list.item(m_i); }
    Iterator& operator++()
    {
        ++m_i;
        return *this;
    }
    bool operator!=(const Iterator& o) const { return m_i != o.m_i; }

private:
    friend class YamlNode;
    Iterator(YamlNode list, qsizetype i)
        : m_list(list)
        , m_i(i)
    {
    }
    YamlNode m_list;
    qsizetype m_i;
};

inline YamlNode::Iterator YamlNode::begin() const
{
    return Iterator(*this, 0);
}

inline YamlNode::Iterator YamlNode::end() const
{
    return Iterator(*this, IsSequence() ? size() : 0);
}

// The first document of a YAML stream, read with libyaml's event parser into one compact array of nodes:
// 12 bytes a node, 4 bytes a child. A scalar whose text stands as it is in the source points there; the others
// (escapes, folded lines) are copied into one buffer. An alias is the node its anchor names.
class YamlTree final {
public:
    struct SyntaxError {
        QString message; // "end of map not found"
        qsizetype offset = 0; // byte offset in the source
    };

    // Reads `source` (UTF-8), which the tree keeps (shared, not copied). Either the tree or the syntax error is
    // set. A stream with a second document or no document at all still gives a tree: see secondDocument() and
    // root().
    struct Result {
        std::unique_ptr<YamlTree> tree;
        std::optional<SyntaxError> error;
    };
    static Result parse(const QByteArray& source);
    // Offsets fit in 27 bits: a larger source is refused.
    static constexpr qsizetype kMaxSource = qsizetype(1) << 27;

    YamlNode root() const; // undefined when the stream holds no document
    // Where the second document's first node starts (or its '---' when it has none), else -1.
    qsizetype secondDocument() const { return m_secondDocument; }

private:
    friend class YamlNode;
    friend class YamlTreeBuilder;
    YamlTree() = default;

    struct Node {
        quint32 offset : 27; // in the source
        quint32 type : 3; // a YamlNode::Type
        quint32 plain : 1; // written plain and untagged
        quint32 inSource : 1; // the text is in m_source, else in m_text
        quint32 first; // where a scalar's text starts, or a collection's first child in m_children
        quint32 count; // the text's length, or the number of children (two for each pair of a map)
    };
    static_assert(sizeof(Node) == 12);

    QByteArray m_source;
    std::vector<Node> m_nodes;
    std::vector<quint32> m_children;
    QByteArray m_text;
    bool m_hasRoot = false;
    qsizetype m_secondDocument = -1;
};

} // namespace hd
