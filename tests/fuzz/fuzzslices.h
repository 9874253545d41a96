#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

// Cuts fuzz input into the pieces a socket might deliver: the sizes come from a generator
// seeded by the input's control bytes, so each input replays the same cuts. Every piece is
// copied into a heap buffer of exactly its size, so reading one byte past it is an ASan report.
class FuzzSlices
{
public:
    FuzzSlices(const uint8_t *data, size_t size, uint32_t seed)
        : m_data(data), m_size(size), m_state(seed | 1u)
    {
    }

    bool atEnd() const { return m_pos >= m_size; }

    // The next piece, 1 to 4096 bytes (mostly small), owned by the caller.
    std::unique_ptr<char[]> next(size_t *length)
    {
        m_state = m_state * 1664525u + 1013904223u;
        const uint32_t r = m_state >> 8;
        size_t want = (r & 3u) == 0 ? 4096 : 1 + (r >> 2) % ((r & 3u) == 1 ? 8 : 64);
        if (want > m_size - m_pos)
            want = m_size - m_pos;
        auto piece = std::make_unique<char[]>(want);
        for (size_t i = 0; i < want; ++i)
            piece[i] = char(m_data[m_pos + i]);
        m_pos += want;
        *length = want;
        return piece;
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_pos = 0;
    uint32_t m_state;
};
