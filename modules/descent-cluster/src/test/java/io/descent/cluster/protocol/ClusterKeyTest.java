package io.descent.cluster.protocol;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registration proof: HMAC-SHA256 over every field of the claim, checked in constant time. */
class ClusterKeyTest
{
    private static final ClusterKey KEY = ClusterKey.parse("0123456789abcdef-secret", "test");
    private static final JobIdentity IDENTITY = new JobIdentity(0x1234L, "10>dense(10,3)", 0x5678L);
    private static final RegistrationClaim CLAIM = new RegistrationClaim("akka://descent@10.0.0.1:2551/user/ps#1",
        "akka://descent@10.0.0.2:2552/user/worker#2", "10.0.0.2:40124", IDENTITY, "host-b", 42, 3);

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameProofForTheSameKeyAndClaim()
    {
        final String proof = KEY.prove(CLAIM);
        assertEquals(64, proof.length(), "32 bytes of HMAC-SHA256 as hex");
        assertEquals(proof, ClusterKey.parse(" 0123456789abcdef-secret\n", "again").prove(CLAIM));
        assertNull(KEY.refusal(CLAIM, proof));
    }

    @Test
    void shouldGiveADifferentProofForAnyOtherKeyOrClaimField()
    {
        final List<String> proofs = List.of(
            KEY.prove(CLAIM),
            ClusterKey.parse("0123456789abcdef-secreT", "test").prove(CLAIM),
            KEY.prove(with(CLAIM.server().replace("#1", "#9"), CLAIM.worker(), CLAIM.endpoint(), IDENTITY)),
            KEY.prove(with(CLAIM.server(), CLAIM.worker().replace("#2", "#3"), CLAIM.endpoint(), IDENTITY)),
            KEY.prove(with(CLAIM.server(), CLAIM.worker(), "10.0.0.3:40124", IDENTITY)),
            KEY.prove(with(CLAIM.server(), CLAIM.worker(), CLAIM.endpoint(), new JobIdentity(0x1235L,
                IDENTITY.architecture(), IDENTITY.configDigest()))),
            KEY.prove(with(CLAIM.server(), CLAIM.worker(), CLAIM.endpoint(), new JobIdentity(IDENTITY.fingerprint(),
                IDENTITY.architecture(), 0x5679L))),
            KEY.prove(new RegistrationClaim(CLAIM.server(), CLAIM.worker(), CLAIM.endpoint(), IDENTITY, "host-b", 42,
                4)));
        final Set<String> distinct = proofs.stream().collect(Collectors.toSet());
        assertEquals(proofs.size(), distinct.size(), proofs.toString());
        for (final String other : proofs.subList(1, proofs.size()))
        {
            assertTrue(KEY.refusal(CLAIM, other).contains("key proof does not match"));
        }
    }

    @Test
    void shouldNotTakeAShardsProofForAWorkersNorTheReverse()
    {
        final RegistrationClaim shard = new RegistrationClaim(CLAIM.server(), CLAIM.worker(), CLAIM.endpoint(),
            IDENTITY, CLAIM.host(), CLAIM.pid(), CLAIM.rank(), "descent-register-shard-v1");
        assertNull(KEY.refusal(shard, KEY.prove(shard), "server shard 1"));
        assertEquals("cluster key differs: server shard 1's key proof does not match the parameter server's key; set " +
            "the same DESCENT_CLUSTER_KEY on every node", KEY.refusal(shard, KEY.prove(CLAIM), "server shard 1"));
        assertTrue(KEY.refusal(CLAIM, KEY.prove(shard)).contains("the worker's key proof does not match"));
        assertEquals("cluster key differs: server shard 2 has no cluster key but the parameter server has one; set " +
            "the same DESCENT_CLUSTER_KEY on every node", KEY.refusal(shard, "", "server shard 2"));
    }

    @Test
    void shouldNotConfuseFieldBoundaries()
    {
        final RegistrationClaim a = new RegistrationClaim("ab", "c", "e:1", IDENTITY, "h", 1, 0);
        final RegistrationClaim b = new RegistrationClaim("a", "bc", "e:1", IDENTITY, "h", 1, 0);
        assertFalse(KEY.prove(a).equals(KEY.prove(b)));
    }

    @Test
    void shouldRefuseAMissingMalformedOrUnexpectedProof()
    {
        assertTrue(KEY.refusal(CLAIM, "").contains("the worker has no cluster key but the parameter server has one"));
        assertTrue(KEY.refusal(CLAIM, "not hex").contains("does not match"));
        assertTrue(KEY.refusal(CLAIM, KEY.prove(CLAIM).substring(2)).contains("does not match"));
        assertTrue(ClusterKey.NONE.refusal(CLAIM, KEY.prove(CLAIM))
            .contains("the worker has a cluster key but the parameter server has none"));
        assertNull(ClusterKey.NONE.refusal(CLAIM, ClusterKey.NONE.prove(CLAIM)));
        assertEquals("", ClusterKey.NONE.prove(CLAIM));
    }

    @Test
    void shouldRejectAShortKeyNamingItsSourceButNotTheKey()
    {
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> ClusterKey.parse("short-key", "descent.cluster.key"));
        assertEquals("descent.cluster.key is 9 bytes long; a cluster key must be at least 16 bytes (make one with: " +
            "openssl rand -hex 32)", ex.getMessage());
        assertFalse(ClusterKey.parse("", "x").present());
        assertFalse(ClusterKey.parse(null, "x").present());
    }

    @Test
    void shouldReadAKeyFileIgnoringTheTrailingNewline() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("key"), "0123456789abcdef-secret\n");
        assertEquals(KEY, ClusterKey.readFile(file, "--cluster-key-file"));
        assertEquals(KEY.prove(CLAIM), ClusterKey.readFile(file, "--cluster-key-file").prove(CLAIM));
        final Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertTrue(assertThrows(BadInputException.class, () -> ClusterKey.readFile(empty, "--cluster-key-file"))
            .getMessage().contains("is empty"));
        assertTrue(assertThrows(BadInputException.class,
            () -> ClusterKey.readFile(dir.resolve("missing"), "--cluster-key-file")).getMessage()
            .startsWith("--cluster-key-file " + dir.resolve("missing") + " cannot be read"));
    }

    @Test
    void shouldNeverShowTheKey()
    {
        assertEquals("ClusterKey[from test]", KEY.toString());
        assertEquals("ClusterKey[none]", ClusterKey.NONE.toString());
        final String random = ClusterKey.randomText();
        assertEquals(64, random.length());
        assertFalse(random.equals(ClusterKey.randomText()));
    }

    private static RegistrationClaim with(
        final String server, final String worker, final String endpoint, final JobIdentity identity)
    {
        return new RegistrationClaim(server, worker, endpoint, identity, CLAIM.host(), CLAIM.pid(), CLAIM.rank());
    }
}
