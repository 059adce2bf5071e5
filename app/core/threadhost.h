#pragma once

#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>
#include <memory>

namespace hd {

// Hosts one QObject on a thread of its own: the engine, the history's SQLite worker, the admin client, the demo's
// services. The object is made on that thread (it owns timers and sockets there), every call reaches it queued, and
// nothing here ever waits for it to answer: start-up returns at once, and work posted before the object exists
// runs after it is made, in order.
//
// Shut-down posts the object's deletion behind the work already queued and then joins the thread; the join is
// the one wait, and it lasts as long as the object's own destructor.
template <class T> class ThreadHost final {
    Q_DISABLE_COPY_MOVE(ThreadHost)
public:
    // make() runs on the new thread; it may return nullptr (post() then drops work).
    ThreadHost(const QString& threadName, std::function<T*()> make)
        : m_state(std::make_shared<State>())
    {
        m_thread.setObjectName(threadName);
        m_thread.start();
        m_anchor = new QObject;
        m_anchor->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_anchor, [state = m_state, make = std::move(make)] { state->object = make(); }, Qt::QueuedConnection);
    }

    ~ThreadHost() { stop(); }

    // Runs work(object) on the host's thread, after everything posted before it.
    void post(std::function<void(T&)> work)
    {
        if (!m_anchor)
            return;
        QMetaObject::invokeMethod(
            m_anchor,
            [state = m_state, work = std::move(work)] {
                if (state->object)
                    work(*state->object);
            },
            Qt::QueuedConnection);
    }

    // Deletes the object on its thread, after the work already posted, and joins the thread. Idempotent.
    void stop()
    {
        if (!m_anchor)
            return;
        QObject* anchor = m_anchor;
        m_anchor = nullptr;
        QMetaObject::invokeMethod(
            anchor,
            [state = m_state, anchor] {
                delete state->object;
                state->object = nullptr;
                delete anchor;
                QThread::currentThread()->quit(); // after the queued work, never before it
            },
            Qt::QueuedConnection);
        m_thread.wait();
    }

    QThread* thread() { return &m_thread; }

private:
    struct State {
        T* object = nullptr; // touched on the host's thread only
    };
    std::shared_ptr<State> m_state;
    QThread m_thread;
    QObject* m_anchor = nullptr; // lives on m_thread: the context of posted work
};

} // namespace hd
