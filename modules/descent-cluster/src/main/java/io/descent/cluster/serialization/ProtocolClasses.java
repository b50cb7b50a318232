package io.descent.cluster.serialization;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.ServerProtocol;

import java.util.List;

/**
 * Every class that travels in a control message, in registration order. The order fixes Kryo's class ids, so
 * append new classes at the end and never reorder: all nodes of a cluster must run the same list.
 */
final class ProtocolClasses
{
    /** Messages (top-level objects), each also a manifest. */
    static final List<Class<?>> MESSAGES = List.of(
        ServerProtocol.Register.class,
        ServerProtocol.Ready.class,
        ServerProtocol.Leave.class,
        ServerProtocol.Accepted.class,
        ServerProtocol.Refused.class,
        ServerProtocol.Finish.class,
        ServerProtocol.RegisterShard.class,
        ServerProtocol.ShardReady.class,
        ServerProtocol.ShardStopped.class,
        ServerProtocol.ShardAccepted.class,
        ServerProtocol.ShardStart.class,
        ServerProtocol.ShardNorm.class,
        ServerProtocol.GlobalNorm.class,
        ServerProtocol.ShardStats.class,
        ServerProtocol.DropRank.class,
        ServerProtocol.RankDropped.class,
        ServerProtocol.WorkerUnreachable.class,
        ServerProtocol.AdmitRank.class,
        ServerProtocol.RankAdmitted.class,
        ServerProtocol.StepClosedOn.class);

    /** Field types of messages that Kryo must know. */
    static final List<Class<?>> FIELDS = List.of(
        JobIdentity.class,
        io.descent.cluster.protocol.ShardMap.class,
        long[].class,
        String[].class,
        int[].class,
        io.descent.cluster.dataplane.TransportStats.class,
        io.descent.cluster.protocol.CompressionStats.class,
        io.descent.cluster.protocol.CompressionStats.WeightTraffic.class);

    private ProtocolClasses()
    {
    }
}
