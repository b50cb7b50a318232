package io.descent.k8s;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --image}: tags, registries with ports, and digests that pin the image to its content. */
class ImageReferenceTest
{
    private static final String DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest
    @ValueSource(strings = { "descent", "descent:0.1.0", "registry.example.com/team/descent:1.2",
        "localhost:5000/descent", "localhost:5000/descent:v1_2-rc.3", "registry.example.com/descent@" + DIGEST,
        "registry.example.com/descent:0.1.0@" + DIGEST })
    void shouldAcceptImageReferences(final String image)
    {
        assertDoesNotThrow(() -> ImageReference.check(image));
        assertEquals(image.contains("@"), ImageReference.pinned(image));
    }

    @ParameterizedTest
    @ValueSource(strings = { "descent@sha256:abc", "descent@" + DIGEST + "0", "descent@md5:0123456789abcdef",
        "descent@SHA256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "descent@",
        "descent:0.1.0@0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" })
    void shouldRefuseAMalformedDigest(final String image)
    {
        final BadInputException bad = assertThrows(BadInputException.class, () -> ImageReference.check(image));
        assertTrue(bad.getMessage().contains("malformed digest") && bad.getMessage().contains("--image"),
            bad.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "Descent", "descent image", "descent:-x", "descent:.x", " " })
    void shouldRefuseWhatIsNotAnImage(final String image)
    {
        assertThrows(BadInputException.class, () -> ImageReference.check(image));
    }
}
