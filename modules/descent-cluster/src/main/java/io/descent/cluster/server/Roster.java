package io.descent.cluster.server;

import akka.actor.typed.ActorRef;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.WorkerStats;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Arrays;
import java.util.List;

/**
 * The workers of a job by rank: who registered, who is ready, who is live, and which shards each live worker
 * computes. Rank {@code k} owns shard {@code k}; the shard of a lost worker is reassigned to the live worker
 * {@code live[k % live.length]} (deterministic, so every run with the same losses computes the same batches).
 * Actor-confined (not thread-safe).
 */
final class Roster
{
    /** One registered worker. */
    static final class Member
    {
        /** The ref it registered with: where the server's messages go, and how its own are told apart. */
        final ActorRef<ServerProtocol.ToWorker> ref;
        final String endpoint;
        final String host;
        final long pid;
        boolean ready;
        boolean live = true;
        /** The step a worker joining a running job starts at, or -1. */
        long joinStep = -1;
        /** True once the step loop holds a joining worker's rank out until {@link #joinStep}. */
        boolean admitted;
        /** Join steps this joining worker missed so far. */
        int joinRetries;
        /** When it was last sent Accepted ({@link System#nanoTime()}), or 0: its control round trip starts there. */
        long acceptedNs;
        /** The Aeron session it must send gradients on, and the one the server sends it weights on (0: any). */
        int workerSession;
        int serverSession;
        WorkerStats stats;

        Member(final ActorRef<ServerProtocol.ToWorker> ref, final String endpoint, final String host, final long pid)
        {
            this.ref = ref;
            this.endpoint = endpoint;
            this.host = host;
            this.pid = pid;
        }
    }

    private final Member[] members;

    /** @param size the configured number of workers (= shards). */
    Roster(final int size)
    {
        this.members = new Member[size];
    }

    /**
     * @param member    the new member.
     * @param preferred the rank it asks for, or -1.
     * @return the rank given to the new member: the preferred one when free, else the lowest free one; -1 when every
     *         rank is taken.
     */
    int add(final Member member, final int preferred)
    {
        if (preferred >= 0 && preferred < members.length && null == members[preferred])
        {
            members[preferred] = member;
            return preferred;
        }
        for (int rank = 0; rank < members.length; rank++)
        {
            if (null == members[rank])
            {
                members[rank] = member;
                return rank;
            }
        }
        return -1;
    }

    /**
     * Puts a worker that joins a running job in the place of a lost rank (not already being rejoined): the preferred
     * one when lost, else the lowest.
     *
     * @param member    the joining worker.
     * @param preferred the rank it asks for, or -1.
     * @return its rank, or -1 when no rank is lost.
     */
    int replaceLost(final Member member, final int preferred)
    {
        if (preferred >= 0 && preferred < members.length && isLost(preferred))
        {
            members[preferred] = member;
            return preferred;
        }
        for (int rank = 0; rank < members.length; rank++)
        {
            if (isLost(rank))
            {
                members[rank] = member;
                return rank;
            }
        }
        return -1;
    }

    private boolean isLost(final int rank)
    {
        return null != members[rank] && !members[rank].live && members[rank].joinStep < 0;
    }

    /** @return live members and members joining a running job. */
    List<Member> active()
    {
        final List<Member> active = new ArrayList<>();
        for (final Member member : members)
        {
            if (null != member && (member.live || member.joinStep >= 0))
            {
                active.add(member);
            }
        }
        return active;
    }

    /** Frees a rank (a worker that left before the job started). */
    void remove(final int rank)
    {
        members[rank] = null;
    }

    Member get(final int rank)
    {
        return rank >= 0 && rank < members.length ? members[rank] : null;
    }

    /** @return the rank of the worker that registered with {@code ref}, or -1 when none did. */
    int rankOf(final ActorRef<ServerProtocol.ToWorker> ref)
    {
        for (int rank = 0; rank < members.length; rank++)
        {
            if (null != members[rank] && members[rank].ref.equals(ref))
            {
                return rank;
            }
        }
        return -1;
    }

    int size()
    {
        return members.length;
    }

    /** @return true when every rank is registered and ready. */
    boolean allReady()
    {
        return Arrays.stream(members).allMatch(m -> null != m && m.ready);
    }

    /** @return the live ranks in increasing order. */
    int[] liveRanks()
    {
        final List<Integer> live = new ArrayList<>();
        for (int rank = 0; rank < members.length; rank++)
        {
            if (null != members[rank] && members[rank].live)
            {
                live.add(rank);
            }
        }
        return live.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param live   the live ranks.
     * @param rank   a live rank.
     * @param shards the job's shards (= ranks).
     * @return the shards {@code rank} computes, in increasing order: its own, and each lost rank's shard {@code k}
     * that falls to it as {@code live[k % live.length]}.
     */
    static int[] shardsOf(final BitSet live, final int rank, final int shards)
    {
        final int[] ranks = live.stream().toArray();
        final List<Integer> owned = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++)
        {
            final int owner = live.get(shard) ? shard : ranks[shard % ranks.length];
            if (owner == rank)
            {
                owned.add(shard);
            }
        }
        return owned.stream().mapToInt(Integer::intValue).toArray();
    }

    /** @return the latest statistics of every worker that sent any, by rank. */
    List<WorkerStats> stats()
    {
        final List<WorkerStats> all = new ArrayList<>();
        for (final Member member : members)
        {
            if (null != member && null != member.stats)
            {
                all.add(member.stats);
            }
        }
        return all;
    }
}
