package io.descent.cluster;

import com.typesafe.config.ConfigFactory;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.server.ServerSetup;
import io.descent.cluster.worker.WorkerSetup;
import io.descent.data.DataSplits;
import io.descent.data.SourceSplits;
import io.descent.data.load.DataLoader;
import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.train.JobConfig;
import io.descent.train.JobData;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A small synthetic classification job for cluster tests: its config, data, model and settings. */
public final class TestJob
{
    /** The base job: 1080 training rows, 10 features, 3 classes, a 10-16-3 MLP. */
    public static final String BASE = "job { name = test, seed = 7 }\n" +
        "data { source = synthetic, scaling = standardize, validation-fraction = 0.1, synthetic { kind = teacher, " +
        "samples = 1200, test-samples = 300, features = 10, classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 16, activation = tanh }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 30, epochs = 2, learning-rate = 0.1, momentum = 0.9 }\n";

    public final JobConfig job;
    public final DataSplits data;
    public final ModelSpec spec;
    /** What the nodes read: {@link #data} itself unless {@link #streaming} replaced it. */
    private final SourceSplits sources;

    private TestJob(final String hocon)
    {
        this.job = JobConfig.from(ConfigFactory.parseString(hocon));
        this.data = DataLoader.load(job.data(), job.seed());
        this.sources = SourceSplits.of(data);
        this.spec = JobData.specOf(job, sources, job.train().loss());
    }

    private TestJob(final TestJob base, final SourceSplits sources)
    {
        this.job = base.job;
        this.data = base.data;
        this.spec = base.spec;
        this.sources = sources;
    }

    /**
     * @param streamed the same rows as {@link #data}, e.g. memory-mapped shard sets written from it.
     * @return this job with its nodes reading {@code streamed} instead of the in-memory splits.
     */
    public TestJob streaming(final SourceSplits streamed)
    {
        return new TestJob(this, streamed);
    }

    /**
     * @param overrides HOCON merged over {@link #BASE} (later keys win).
     * @return the job.
     */
    public static TestJob of(final String overrides)
    {
        return new TestJob(BASE + overrides);
    }

    /**
     * @return cluster settings for {@code workers} workers with test-sized timeouts, plus HOCON overrides; the
     *         environment is ignored (no {@code DESCENT_CLUSTER_KEY} from the shell running the tests).
     */
    public static ClusterSettings settings(final int workers, final String overrides)
    {
        return ClusterSettings.from(ConfigFactory.parseString("descent.cluster { workers = " + workers +
            ", registration-timeout = 30s, step-timeout = 20s, weights-timeout = 60s, send-timeout = 10s\n" +
            overrides + " }"), Map.of());
    }

    /** @return a server setup. */
    public ServerSetup server(final ClusterSettings settings, final DataPlane plane, final Path resume)
    {
        return ServerSetup.of(job, sources, spec, settings, plane, Optional.ofNullable(resume));
    }

    /** @return a worker setup. */
    public WorkerSetup worker(final ClusterSettings settings, final DataPlane plane)
    {
        return new WorkerSetup(job, sources.train(), spec, settings, plane);
    }

    /** @return the identity every node of this job has. */
    public JobIdentity identity()
    {
        return JobIdentity.of(Model.create(spec, job.seed()).fingerprint(), job.raw());
    }
}
