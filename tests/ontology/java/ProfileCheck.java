// OWL 2 DL profile violations (OWL API 5's OWL2DLProfile) of OWL documents, their imports resolved offline
// through a Protégé catalog (catalog-v001.xml: <uri name="ontology IRI" uri="file relative to the catalog"/>).
// Usage: java -cp <OWL API 5 jars>:<classes> ProfileCheck <catalog-v001.xml> <document>...
// Prints one line per violation ("violation\t<document>\t<violation>") then "violations <n>".
import java.io.File;
import javax.xml.parsers.DocumentBuilderFactory;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.util.SimpleIRIMapper;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public final class ProfileCheck {
    private ProfileCheck() {}

    private static void mapCatalog(OWLOntologyManager manager, File catalog) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        NodeList uris = factory.newDocumentBuilder().parse(catalog).getElementsByTagNameNS("*", "uri");
        for (int i = 0; i < uris.getLength(); i++) {
            Element uri = (Element) uris.item(i);
            File file = new File(catalog.getParentFile(), uri.getAttribute("uri"));
            manager.getIRIMappers().add(new SimpleIRIMapper(IRI.create(uri.getAttribute("name")), IRI.create(file)));
        }
    }

    public static void main(String[] args) throws Exception {
        int count = 0;
        for (int i = 1; i < args.length; i++) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            // no network: an import the catalog does not map fails the load
            manager.getIRIMappers().clear();
            manager.setOntologyLoaderConfiguration(manager.getOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION));
            mapCatalog(manager, new File(args[0]));
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[i]));
            for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
                System.out.println("violation\t" + args[i] + "\t" + v.toString().replace('\n', ' '));
                count++;
            }
        }
        System.out.println("violations " + count);
    }
}
