// Update groups: one Adj-RIB-Out (RFC 4271 §3.2) and one encoding of each
// UPDATE (§4.3) shared by every peer that gets the same export result.
//
// Peers with the same export policy, iBGP/eBGP role, route-reflector client
// flag, ADD-PATH send mode (RFC 7911) and codec options (4-octet AS, extended
// messages) would be sent the same UPDATEs; the speaker puts them in one
// group. sync() has AdjRibOut::sync's semantics (only the difference from what
// the group has advertised is queued; an unchanged route is never sent twice,
// only what was sent is withdrawn). take_encoded() packs the queued changes as
// AdjRibOut::take_updates does - withdrawals first, then NLRI sharing an
// exported attribute set in as few UPDATEs as the message size allows (IPv6
// in MP_REACH/MP_UNREACH, RFC 4760; path ids with ADD-PATH) - encodes each
// UPDATE once and hands out its bytes as one shared buffer that the speaker
// puts in every member's write queue. It is paced: at most about `max_bytes`
// per call, the rest stays queued (and keeps coalescing) for the next call.
//
// A member joining a group that has already advertised routes gets them
// through a snapshot cursor (begin_snapshot / snapshot_next / snapshot_done):
// encoded UPDATEs of everything the group has advertised, packed by attribute
// set, produced a slice at a time. The ordering rule for the speaker:
//
//   1. begin_snapshot() when the member joins, at any moment (no need to drain
//      the group first);
//   2. while !snapshot_done(s): the member gets only snapshot_next(s, n)
//      bytes, NOT take_encoded() output (that goes to the other members);
//   3. as soon as snapshot_done(s) is true - before the next take_encoded() -
//      the member becomes a full member and gets every later take_encoded()
//      batch (then End-of-RIB, end_of_rib(), if it is the initial table).
//
// The cursor reads the advertised state live; a change that take_encoded()
// applies during the snapshot to a route the cursor has already passed is
// remembered for the snapshot and sent again (its latest state, or a
// withdrawal if the member had it) before the snapshot is done. So the member
// misses no change and gets no route twice from the two streams. A Snapshot
// may be dropped at any time (member gone); the group forgets it.
//
// What the group does not do: per-member exceptions. Split horizon ("never
// back to the peer it came from", RFC 4456 §8 originator) is per peer; the
// speaker either keeps such peers in their own group (or an AdjRibOut) or
// relies on the receiver's own loop checks (RFC 4456 §8), as FRR does.
// Not thread-safe (one executor owns the RIB).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "bgp/rib/attr_store.hpp"
#include "bgp/rib/export.hpp"
#include "bgp/rib/family.hpp"
#include "bgp/wire/message.hpp"

namespace bgp::rib {

/// Encoded message(s), shared between every write queue they go to (the type
/// of fsm::SendAction::bytes).
using Bytes = std::shared_ptr<const std::vector<std::uint8_t>>;

/// One encoded UPDATE with what a speaker needs for split horizon: the
/// RFC 4456 §8 ORIGINATOR_ID of the routes it announces (host order; 0 for a
/// withdrawal or routes without one). The member whose BGP Identifier that is
/// must not get the UPDATE (its own routes, reflected back): it gets
/// `withdrawal` instead - the same NLRI withdrawn, since it may still hold an
/// older path of those prefixes from the group (a withdrawal of a route it
/// does not have is harmless). For iBGP groups this is exact split horizon:
/// every route reflected to an iBGP peer carries ORIGINATOR_ID, which names
/// the client it came from.
struct Encoded {
    Bytes bytes;
    std::uint32_t originator = 0;
    Bytes withdrawal;  ///< set when originator != 0
};

template <class F>
class UpdateGroup {
  public:
    struct SnapshotState;
    /// A joining member's cursor over what the group has advertised.
    class Snapshot {
      public:
        Snapshot() = default;

      private:
        friend class UpdateGroup;
        std::shared_ptr<SnapshotState> state_;
    };

    /// `add_path`: the members receive path ids (RFC 7911 send negotiated);
    /// `opts`: the members' codec options (the family is added to
    /// opts.add_path when `add_path`).
    UpdateGroup(AttrStore& store, bool add_path, wire::CodecOptions opts);
    ~UpdateGroup();
    UpdateGroup(const UpdateGroup&) = delete;
    UpdateGroup& operator=(const UpdateGroup&) = delete;

    /// The prefix should now be advertised exactly as `ads` (empty: withdrawn).
    /// Without ADD-PATH only the first advertisement counts.
    void sync(const wire::Prefix& prefix, std::span<const Advertisement> ads);
    /// sync() of a group without ADD-PATH, with the exported attributes
    /// already interned in the group's store (`attrs`; no_attrs: nothing to
    /// advertise). The group takes its own reference.
    void sync_best(const wire::Prefix& prefix, AttrId attrs);

    /// Packs queued changes into encoded UPDATEs, withdrawals first, marks
    /// them advertised and returns them: about `max_bytes` octets at most
    /// (never a message split for it; at least one message when anything is
    /// queued). Each buffer is encoded once: hand the same Bytes to every
    /// member.
    [[nodiscard]] std::vector<Bytes> take_encoded(std::size_t max_bytes);
    /// take_encoded() with each message's originator (split horizon, see Encoded).
    [[nodiscard]] std::vector<Encoded> take(std::size_t max_bytes);

    /// A cursor for a joining member (see the ordering rule above).
    /// `member_has_table`: a member re-joining (it fell behind) that got every
    /// batch up to now - take_encoded()/take() output included - and so holds
    /// the group's advertised routes: it is sent them all again, and a
    /// withdrawal for each route withdrawn meanwhile wherever the cursor is.
    [[nodiscard]] Snapshot begin_snapshot(bool member_has_table = false) const;
    /// The next encoded UPDATEs of the snapshot, about `max_bytes` octets
    /// (at least one message unless the snapshot is done); empty once done.
    [[nodiscard]] std::vector<Bytes> snapshot_next(Snapshot& s, std::size_t max_bytes) const;
    /// snapshot_next() with each message's originator (see Encoded).
    [[nodiscard]] std::vector<Encoded> snapshot_take(Snapshot& s, std::size_t max_bytes) const;
    /// Everything the group has advertised went into the snapshot. Once true
    /// it stays true: from then on the member must get take_encoded() output
    /// (the group stops tracking the snapshot).
    [[nodiscard]] bool snapshot_done(const Snapshot& s) const;

    /// The End-of-RIB marker of the group's family (RFC 4724 §2), encoded
    /// once per group: after a member's initial table.
    [[nodiscard]] Bytes end_of_rib() const;

    /// The attributes the members have for (prefix, path id), as sent.
    [[nodiscard]] std::optional<AttrId> advertised(const wire::Prefix& prefix,
                                                   std::uint32_t path_id = 0) const;
    [[nodiscard]] std::size_t size() const;     ///< (prefix, path) pairs advertised
    [[nodiscard]] std::size_t pending() const;  ///< prefixes with queued changes
    /// Heap bytes of the group's tables (advertised state, queue, indexes).
    [[nodiscard]] std::size_t memory_bytes() const;
    [[nodiscard]] bool add_path() const;
    [[nodiscard]] const wire::CodecOptions& codec_options() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

extern template class UpdateGroup<Ipv4>;
extern template class UpdateGroup<Ipv6>;

}  // namespace bgp::rib
