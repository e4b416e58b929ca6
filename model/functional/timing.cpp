// Cycle-by-cycle timing replay of a program (timing.h): who may request the memory in each
// cycle, which request the arbiter grants, when each burst takes the data path and when its data
// or write response comes back. Reads take the path when the memory accepts their request; a
// write only once its last beat has been sent, so a stream of loads books the path ahead of a
// store running beside it: the effect an instruction-order estimate cannot see.
#include "functional/timing.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <stdexcept>

#include "isa/insn.h"

namespace tasu::model {

namespace {

constexpr uint64_t kNever = UINT64_MAX;
// Cycles from a unit's done to the issue of an instruction waiting for its token.
constexpr uint64_t kTokenDelay = 1;
constexpr size_t kQueueDepth = arch::kCpQueueDepth;
constexpr uint64_t kFetchBurst = arch::kCpFetchBurst, kFetchDepth = arch::kCpFetchDepth;
// The RTL's and the platform's depths, written here rather than generated: CI's benches hold the
// replay's cycle counts equal to the RTL's, so a change to one of them there fails until it is
// made here too. sim/mem_bridge.h: outstanding requests the memory controller takes (reads
// counted in beats of max_requests bursts, writes in bursts, write responses in 4x as many).
constexpr uint64_t kBridgeRequests = 8;
constexpr uint64_t kArbiterIds = 16;  // tasu_mem_arbiter's IdDepth: read bursts in flight
constexpr uint64_t kLoadBursts = 8;   // tasu_dma_rd's Outstanding: its bursts whose data is not all back
// Measured on the RTL's trace: the first fetch request two cycles after the start; a fetched
// beat dispatches two cycles after the memory's ready cycle for it (one to take it, one to
// decode); a load burst's slot is free for a new request two cycles after its last beat's.
constexpr uint64_t kFetchStart = 2, kFetchToDispatch = 2, kLoadSlotFree = 2;
// A fetch buffer slot counts as free for the next fetch request from the cycle after the last
// instruction of its beat dispatches.
constexpr uint64_t kFetchSlotFree = 1;
constexpr uint64_t kStoreLens = 8;    // tasu_dma_wr's Bursts: requested bursts not yet sent
constexpr uint64_t kStoreRows = 16;   // tasu_dma_wr's response rows: bursts not yet answered

constexpr int kLd = static_cast<int>(arch::Unit::LD), kEx = static_cast<int>(arch::Unit::EX),
              kVu = static_cast<int>(arch::Unit::VU), kSt = static_cast<int>(arch::Unit::ST);
constexpr int kUnits = isa::kUnits;
enum Client { kFetch = 0, kLoad = 1, kStore = 2 };

// A LOAD's or STORE's bursts: every row split into MaxBurst-beat bursts from its first beat.
struct Bursts {
  uint64_t per_row = 0, total = 0;
  uint32_t row_beats = 0, max_burst = 0;
  Bursts() = default;
  Bursts(uint32_t rows, uint32_t rb, uint32_t mb)
      : per_row((rb + mb - 1) / mb), total(uint64_t{rows} * ((rb + mb - 1) / mb)), row_beats(rb), max_burst(mb) {}
  uint32_t len(uint64_t k) const {
    const uint64_t j = k % per_row;
    return j + 1 < per_row ? max_burst : row_beats - static_cast<uint32_t>((per_row - 1) * max_burst);
  }
  uint64_t beats_before(uint64_t n) const { return n / per_row * row_beats + n % per_row * max_burst; }
};

}  // namespace

TimingResult replay_timing(const arch::Config& cfg, uint32_t lat, uint32_t bytes_per_cycle,
                           const std::vector<TimedOp>& ops, uint32_t finish_pc, uint32_t n_insns, bool record) {
  TimingResult res;
  const uint32_t bus = cfg.BusBytes, ipb = bus / arch::kInsnBytes;
  const uint64_t total_beats = (uint64_t{n_insns} + ipb - 1) / ipb;
  const size_t n = ops.size();

  // Tokens: the k-th token unit c takes from unit p is the k-th one p gives to c.
  std::vector<std::array<uint32_t, kUnits>> producer(n);
  {
    std::array<std::vector<uint32_t>, kUnits * kUnits> given;
    for (size_t i = 0; i < n; ++i)
      for (int c = 0; c < kUnits; ++c)
        if ((ops[i].push >> c) & 1u) given[static_cast<size_t>(ops[i].unit * kUnits + c)].push_back(static_cast<uint32_t>(i));
    std::array<size_t, kUnits * kUnits> taken{};
    for (size_t i = 0; i < n; ++i)
      for (int p = 0; p < kUnits; ++p) {
        producer[i][static_cast<size_t>(p)] = UINT32_MAX;
        if (!((ops[i].pop >> p) & 1u)) continue;
        const size_t ch = static_cast<size_t>(p * kUnits + ops[i].unit);
        if (taken[ch] >= given[ch].size())
          throw std::logic_error(fmt::format("timing replay: insn {} takes a token nobody gives", ops[i].pc));
        producer[i][static_cast<size_t>(p)] = given[ch][taken[ch]++];
      }
  }
  std::vector<uint64_t> dispatched(n, kNever), started(n, kNever), done(n, kNever);

  // The memory's data path, in bytes of time (cycle * bytes_per_cycle) so that any bandwidth is
  // exact; a burst of len beats takes it from max(now, free) on. Returns the cycle its data ends.
  uint64_t path_free = 0;
  auto book = [&](uint64_t t, uint32_t len) {
    path_free = std::max(path_free, t * bytes_per_cycle) + uint64_t{len} * bus;
    return (path_free + bytes_per_cycle - 1) / bytes_per_cycle;
  };

  // Read data in flight (fetch and loads), in the order the memory returns it: the cycle its
  // last beat is handed back and its beats. The bridge hands back a beat a cycle at most.
  struct ReadBurst {
    uint64_t last, beats;
  };
  std::deque<ReadBurst> reads;
  uint64_t read_chan = 0;  // the last read beat's cycle
  const uint64_t beat_bytes_per_cycle = std::min<uint64_t>(bytes_per_cycle, bus);
  // Books a read burst; returns the cycle of each of its beats (the bridge's rule: beat i of a
  // burst whose data ends at E is ready at E + lat - ceil((len - 1 - i) * bus / bytes_per_cycle),
  // and goes out no earlier than the cycle after the beat before it).
  auto read = [&](uint64_t t, uint32_t len, uint64_t* beat_at) {
    const uint64_t end = book(t, len) + lat;
    for (uint32_t i = 0; i < len; ++i) {
      const uint64_t ready = end - ((uint64_t{len} - 1 - i) * bus + bytes_per_cycle - 1) / bytes_per_cycle;
      read_chan = std::max(ready, read_chan + 1);
      if (beat_at) beat_at[i] = read_chan;
    }
    reads.push_back({read_chan, len});
    return read_chan;
  };
  std::deque<uint64_t> ld_bursts;  // the load DMA's bursts in flight: when each one's last beat arrives
  // LOADs whose requests are all taken and which are not done yet: their done cycles. With the
  // one still requesting, at most a queue's depth are in flight (tasu_cmd_tokens tracks each
  // unit's in-flight instructions in a FIFO of that depth).
  std::deque<uint64_t> ld_cmds;
  // Fetch (tasu_cmd_proc): beats requested, and the buffer slots they hold.
  uint64_t f_requested = 0;
  std::vector<uint64_t> f_arrival;  // per beat requested: from when its instructions may dispatch
  std::deque<uint64_t> f_leaving;   // when each consumed beat's buffer slot counts as free
  uint64_t f_freed = 0;             // consumed beats whose slot is free

  // The units.
  std::array<std::deque<size_t>, kUnits> queue;
  std::array<uint64_t, kUnits> unit_free{};
  size_t next_dispatch = 0;
  uint64_t last_dispatch = 0;
  bool finish_dispatched = false;  // (no dispatch can come at cycle 0: the fetch takes longer)
  // The request side of each DMA: the LOAD or STORE whose bursts it requests, the next burst
  // and the first cycle it may ask for it.
  struct Active {
    size_t op = SIZE_MAX;
    Bursts b;
    uint64_t next = 0, ready = 0;
  };
  Active ld, st;
  // The store's bursts between request and response.
  struct WriteBurst {
    uint64_t sent;  // cycle its last beat is sent (the memory then takes the path)
    uint32_t len;
  };
  std::deque<WriteBurst> writes;    // requested, last beat not yet sent
  std::deque<uint64_t> responses;   // cycle each booked write's response is ready
  uint64_t st_prev_sent = 0, st_stream = 0;  // the STORE's last beat sent; its beat stream's origin
  size_t st_unanswered = 0;         // of the active STORE's bursts
  int prio = 0, held = -1;
  uint64_t ld_busy_end = 0, vu_busy_end = 0, t_end = 0;
  // The vector unit after a DOTS (TimedOp::dots): when the next DOTS of its kind may start, and
  // the hull of the rows the pending results land in since the tree was last empty. The last
  // DOTS taken is done (in order: all are) at unit_free[kVu].
  bool vu_dots = false;
  uint8_t vu_kind = 0;
  uint64_t vu_pipe_free = 0;
  uint32_t hull_lo = 0, hull_hi = 0;
  auto rows_meet = [](uint32_t alo, uint32_t ahi, uint32_t blo, uint32_t bhi) { return alo < bhi && blo < ahi; };
  auto vu_free = [&](size_t i) {
    if (!vu_dots) return unit_free[kVu];
    const TimedOp& o = ops[i];
    const bool hazard = rows_meet(o.rd_lo[0], o.rd_hi[0], hull_lo, hull_hi) || rows_meet(o.rd_lo[1], o.rd_hi[1], hull_lo, hull_hi);
    return o.dots == vu_kind && !hazard ? vu_pipe_free : unit_free[kVu];
  };
  size_t ops_timed = 0;             // instructions whose done cycle is known

  auto deliver_until = [&](uint64_t t) {
    // A read burst counts against the memory's queue until its last beat is handed back.
    while (!reads.empty() && reads.front().last + 1 < t) reads.pop_front();
    // A burst's slot frees once its last beat has been taken (tasu_dma_rd's descriptor FIFO).
    while (!ld_bursts.empty() && ld_bursts.front() + kLoadSlotFree <= t) ld_bursts.pop_front();
    while (!ld_cmds.empty() && ld_cmds.front() < t) ld_cmds.pop_front();
    while (!f_leaving.empty() && f_leaving.front() <= t) {
      f_leaving.pop_front();
      ++f_freed;
    }
  };

  auto time_op = [&](size_t i, uint64_t d) {
    done[i] = d;
    t_end = std::max(t_end, d);
    ++ops_timed;
    const int u = ops[i].unit;
    if (u == kLd) {
      res.ld_busy += d - std::max(started[i], ld_busy_end);
      ld_busy_end = d;
    } else if (u == kSt) {
      res.st_busy += d - started[i];
    } else if (u == kEx) {
      res.ex_busy += d - started[i];
    } else {
      res.vu_busy += d - std::max(started[i], vu_busy_end);  // DOTS may overlap: their union
      vu_busy_end = std::max(vu_busy_end, d);
    }
    if (record) res.timeline.push_back({static_cast<rt::TraceEvent::Unit>(u), ops[i].pc, started[i], d});
  };

  // The first cycle from which instruction i, at its queue's head, may issue as far as its
  // dispatch, its unit and its tokens go (kNever while a token's giver has no done cycle yet).
  auto issue_at = [&](size_t i) {
    uint64_t at = std::max(dispatched[i] + 1, ops[i].unit == kVu ? vu_free(i) : unit_free[ops[i].unit]);
    for (int p = 0; p < kUnits; ++p) {
      const uint32_t j = producer[i][static_cast<size_t>(p)];
      if (j != UINT32_MAX) at = done[j] == kNever ? kNever : std::max(at, done[j] + kTokenDelay);
      if (at == kNever) break;
    }
    return at;
  };

  uint64_t t = 0;
  while (ops_timed < n || !finish_dispatched) {
    bool progress = false;
    deliver_until(t);
    const bool fetching = !finish_dispatched;  // the fetch stops once FINISH has gone out

    // 1. Each unit's queue head starts once dispatched, its unit free and its tokens given.
    std::array<bool, kUnits> issued{};  // the queue entry it leaves is free from the next cycle
    for (int u = 0; u < kUnits; ++u) {
      if (queue[u].empty()) continue;
      const size_t i = queue[u].front();
      if ((u == kLd && (ld.op != SIZE_MAX || ld_cmds.size() >= kQueueDepth)) || (u == kSt && st.op != SIZE_MAX) ||
          issue_at(i) > t)
        continue;
      queue[u].pop_front();
      issued[u] = true;
      started[i] = t;
      progress = true;
      const TimedOp& o = ops[i];
      if (u == kEx) {
        time_op(i, t + o.cycles);
        unit_free[kEx] = t + o.cycles + 1;
      } else if (u == kVu) {
        if (o.dots) {
          const bool pending = vu_dots && t < unit_free[kVu];
          hull_lo = pending ? std::min(hull_lo, o.res_lo) : o.res_lo;
          hull_hi = pending ? std::max(hull_hi, o.res_hi) : o.res_hi;
          vu_kind = o.dots;
          vu_pipe_free = t + o.pipe;
        }
        vu_dots = o.dots != 0;
        time_op(i, t + o.cycles);
        unit_free[kVu] = t + o.cycles;  // it takes the next instruction in the cycle it completes this one
      } else if (u == kLd) {
        // The DMA takes the command in this cycle and requests from the next (tasu_dma_rd's StReq).
        ld = Active{i, Bursts(o.rows, o.row_beats, cfg.MaxBurst), 0, t + 1};
      } else {
        // tasu_dma_wr requests from the next cycle and reads the buffer from then on; the memory
        // takes its beats from the cycle after that, one a cycle (measured on the RTL's trace:
        // the first burst takes the data path its length + 2 cycles after the command).
        st = Active{i, Bursts(o.rows, o.row_beats, cfg.MaxBurst), 0, t + 1};
        st_stream = t + 2;
        st_prev_sent = 0;
        st_unanswered = static_cast<size_t>(st.b.total);
      }
    }

    // 2. Dispatch: one instruction a cycle, once its fetch beat is here and its queue has room.
    if (!finish_dispatched && last_dispatch < t) {
      const uint64_t pc = next_dispatch < n ? ops[next_dispatch].pc : finish_pc;
      const uint64_t beat = pc / ipb;
      bool dispatched_now = false;
      if (beat < f_arrival.size() && f_arrival[beat] <= t) {
        if (next_dispatch < n) {
          const int u = ops[next_dispatch].unit;
          if (queue[u].size() + issued[u] < kQueueDepth) {
            dispatched[next_dispatch] = t;
            queue[u].push_back(next_dispatch++);
            dispatched_now = true;
          }
        } else {
          finish_dispatched = dispatched_now = true;
        }
      }
      if (dispatched_now) {
        last_dispatch = t;
        progress = true;
        // A beat leaves the fetch buffer as its last instruction dispatches.
        if (pc % ipb == ipb - 1) f_leaving.push_back(t + kFetchSlotFree);
      }
    }

    // 3. The memory port: the arbiter grants one request a cycle, round-robin, while the memory
    // takes requests.
    const uint64_t read_ids = static_cast<uint64_t>(
        std::count_if(reads.begin(), reads.end(), [&](const ReadBurst& rb) { return rb.last >= t; }));
    // Read beats the memory still holds (those handed back before the last cycle no longer count).
    uint64_t undelivered = 0;
    for (const ReadBurst& rb : reads)
      undelivered += std::min<uint64_t>(rb.beats, (rb.last + 1 - t) * beat_bytes_per_cycle / bus + 1);
    const bool port_ready = undelivered < kBridgeRequests * cfg.MaxBurst && writes.size() < kBridgeRequests &&
                            responses.size() < kBridgeRequests * 4;
    std::array<bool, 3> want{};
    const uint64_t f_len = std::min<uint64_t>(kFetchBurst, total_beats - f_requested);
    want[kFetch] = fetching && t >= kFetchStart && f_requested < total_beats && read_ids < kArbiterIds &&
                   (f_requested - f_freed) + f_len <= kFetchDepth;
    want[kLoad] = ld.op != SIZE_MAX && ld.next < ld.b.total && ld.ready <= t && read_ids < kArbiterIds &&
                  ld_bursts.size() < kLoadBursts;
    want[kStore] = st.op != SIZE_MAX && st.next < st.b.total && st.ready <= t && writes.size() < kStoreLens &&
                   responses.size() + writes.size() < kStoreRows;
    int g = -1;
    if (held >= 0 && want[static_cast<size_t>(held)]) g = held;
    for (int k = 0; g < 0 && k < 3; ++k)
      if (want[static_cast<size_t>((prio + k) % 3)]) g = (prio + k) % 3;
    held = g >= 0 && !port_ready ? g : -1;  // a grant the memory refused is kept
    if (g >= 0 && port_ready) {
      prio = (g + 1) % 3;
      progress = true;
      if (g == kFetch) {
        uint64_t at[kFetchBurst];
        const uint64_t last = read(t, static_cast<uint32_t>(f_len), at);
        for (uint64_t k = 0; k < f_len; ++k) f_arrival.push_back(at[k] + kFetchToDispatch);
        res.fetch_end = last + 1;
        if (record) res.timeline.push_back({rt::TraceEvent::kFetch, static_cast<uint32_t>(f_requested * ipb), t, last + 1});
        f_requested += f_len;
      } else if (g == kLoad) {
        const uint64_t last = read(t, ld.b.len(ld.next), nullptr);
        ld_bursts.push_back(last);
        ld.ready = t + 1;
        if (++ld.next == ld.b.total) {
          // Done the cycle after its last beat is handed back (the beat is written); the DMA
          // takes the next LOAD the cycle after its last request.
          time_op(ld.op, last + 1);
          ld_cmds.push_back(last + 1);
          unit_free[kLd] = t + 1;
          ld.op = SIZE_MAX;
        }
      } else {
        const uint32_t len = st.b.len(st.next);
        // Beats stream from the buffer one a cycle, continuing from the first burst's; a burst's
        // beats go out once its request is taken (the memory then accepts them one a cycle).
        const uint64_t paced = st_stream + st.b.beats_before(st.next + 1);
        const uint64_t sent = std::max({paced, t + len, st_prev_sent + len});
        st_prev_sent = sent;
        writes.push_back({sent, len});
        st.ready = t + 1;
        ++st.next;
      }
    }
    // Writes whose last beat goes out now take the path; their responses follow the latency.
    while (!writes.empty() && writes.front().sent <= t) {
      responses.push_back(book(t, writes.front().len) + lat);
      writes.pop_front();
      progress = true;
    }
    // The memory hands back one write response a cycle; the STORE is done as it takes its last.
    if (!responses.empty() && responses.front() < t) {
      responses.pop_front();
      if (st.op != SIZE_MAX && --st_unanswered == 0) {
        time_op(st.op, t);
        unit_free[kSt] = t + 1;
        st.op = SIZE_MAX;
      }
      progress = true;
    }

    // Nothing changed and nobody waits on the memory port: go to the next cycle in which
    // something can (a long MATMUL or VEC, the memory's latency).
    uint64_t next = t + 1;
    if (!progress && !want[kFetch] && !want[kLoad] && !want[kStore]) {
      next = kNever;
      auto after = [&](uint64_t c) { next = std::min(next, std::max(c, t + 1)); };
      for (int u = 0; u < kUnits; ++u)
        if (!queue[u].empty()) after(issue_at(queue[u].front()));
      if (!finish_dispatched) {
        const uint64_t beat = (next_dispatch < n ? ops[next_dispatch].pc : finish_pc) / ipb;
        if (beat < f_arrival.size()) after(std::max(last_dispatch + 1, f_arrival[beat]));
        if (t < kFetchStart) after(kFetchStart);
      }
      for (const ReadBurst& rb : reads) after(rb.last + 1);
      if (!ld_bursts.empty()) after(ld_bursts.front() + kLoadSlotFree);
      if (!ld_cmds.empty()) after(ld_cmds.front() + 1);
      if (!f_leaving.empty()) after(f_leaving.front());
      if (ld.op != SIZE_MAX) after(ld.ready);
      if (st.op != SIZE_MAX) after(st.ready);
      if (!writes.empty()) after(writes.front().sent);
      if (!responses.empty()) after(responses.front() + 1);
      if (next == kNever)
        throw std::logic_error(fmt::format("timing replay: stuck at cycle {} with {} of {} instructions timed", t,
                                           ops_timed, n));
    }
    t = next;
  }
  // The RTL counts up to the last done pulse, and finishes only once the fetch has no beat in
  // flight.
  res.cycles = std::max({t_end, last_dispatch, res.fetch_end});
  res.fetched_beats = f_requested;
  // In the order the instructions finished, as the RTL's trace records them (a cycle's ends by
  // unit, the fetch last).
  std::stable_sort(res.timeline.begin(), res.timeline.end(), [](const rt::TraceEvent& a, const rt::TraceEvent& b) {
    return a.end != b.end ? a.end < b.end : a.unit < b.unit;
  });
  return res;
}

}  // namespace tasu::model
