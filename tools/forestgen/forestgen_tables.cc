// Static name tables for forestgen (people, places, departments). Kept apart from the
// generator so the data can grow without touching the logic. Declared in forestgen.cc.
//
// Constraints the generator relies on (checked by the tests through uniqueness of sAMAccountName
// and mail): first names have no spaces or dots and fold (diacritics stripped, lower case) to
// distinct ASCII strings; last names fold to distinct ASCII strings of at most 12 characters;
// only Latin-1 letters are used in person names.
#include <cstddef>

namespace idsync::forestgen::tables {

extern const char* const kFirstNames[];
extern const std::size_t kFirstNameCount;
extern const char* const kLastNames[];
extern const std::size_t kLastNameCount;

struct City {
  const char* name;
  const char* code;
  const char* state;
  const char* country;       // c
  const char* country_name;  // co
  const char* postal;
  const char* phone;
  const char* street;
};
extern const City kCities[];
extern const std::size_t kCityCount;

struct Department {
  const char* name;
  unsigned weight;  // share of users, in percent (sums to 100)
  const char* titles[4];
};
extern const Department kDepartments[];
extern const std::size_t kDepartmentCount;

extern const char* const kGroupPurposes[];
extern const std::size_t kGroupPurposeCount;

struct Partner {
  const char* company;
  const char* domain;
};
extern const Partner kPartners[];
extern const std::size_t kPartnerCount;

extern const char* const kAliasDomains[];
extern const std::size_t kAliasDomainCount;

extern const char* const kServiceApps[];
extern const std::size_t kServiceAppCount;

extern const char* const kSpecialGroupNames[];
extern const std::size_t kSpecialGroupNameCount;

extern const char* const kUserDescriptions[];
extern const std::size_t kUserDescriptionCount;

const char* const kFirstNames[] = {
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony",
    "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
    "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Dorothy", "Kevin", "Carol", "Brian",
    "Amanda", "George", "Melissa", "Edward", "Deborah", "Ronald", "Stephanie", "Timothy",
    "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob", "Kathleen",
    "Gary", "Amy", "Nicholas", "Shirley", "Eric", "Angela", "Jonathan", "Helen", "Stephen", "Anna",
    "Larry", "Brenda", "Justin", "Pamela", "Scott", "Nicole", "Brandon", "Emma", "Benjamin",
    "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Frank", "Debra", "Alexander",
    "Rachel", "Raymond", "Catherine", "Patrick", "Carolyn", "Jack", "Janet", "Dennis", "Ruth",
    "Jerry", "Maria", "Tyler", "Heather", "Aaron", "Diane", "Jos\xC3\xA9", "Virginia", "Adam",
    "Julie", "Henry", "Joyce", "Nathan", "Victoria", "Douglas", "Olivia", "Zachary", "Kelly",
    "Peter", "Christina", "Kyle", "Lauren", "Walter", "Joan", "Ethan", "Evelyn", "Jeremy",
    "Judith", "Harold", "Megan", "Keith", "Cheryl", "Christian", "Andrea", "Roger", "Hannah",
    "Noah", "Martha", "Gerald", "Jacqueline", "Carl", "Frances", "Terry", "Gloria", "Austin",
    "Teresa", "Arthur", "Kathryn", "Lawrence", "Sara", "Jesse", "Janice", "Dylan", "Jean", "Bryan",
    "Alice", "Madison", "Jordan", "Doris", "Billy", "Abigail", "Bruce", "Julia", "Albert", "Judy",
    "Gabriel", "Denise", "Logan", "Amber", "Alan", "Marilyn", "Juan", "Beverly", "Wayne",
    "Danielle", "Roy", "Theresa", "Ralph", "Sophia", "Randy", "Marie", "Eugene", "Diana",
    "Vincent", "Brittany", "Russell", "Natalie", "Elijah", "Isabella", "Louis", "Charlotte",
    "Philip", "Alexis", "Kayla", "Wei", "Mei", "Hiroshi", "Yuki", "Priya", "Rahul", "Arjun",
    "Ananya", "Mohammed", "Fatima", "Ahmed", "Aisha", "Olga", "Dmitri", "Ivan", "Sven",
    "Bj\xC3\xB6rn", "S\xC3\xB8ren", "Zo\xC3\xAB", "Chlo\xC3\xA9", "Fran\xC3\xA7ois", "Ren\xC3\xA9""e",
    "\xC3\x89lodie", "J\xC3\xBCrgen", "Matteo", "Giulia", "Lucas", "Camille", "Mateo",
    "Sof\xC3\xAD""a", "Joaqu\xC3\xADn", "Thandiwe", "Kwame", "Chidi", "Nikhil", "Deepika",
    "Siobh\xC3\xA1n", "Niamh", "Se\xC3\xA1n", "Tom\xC3\xA1s", "Ingrid", "Astrid", "Mia-Louise",
};
const std::size_t kFirstNameCount = sizeof(kFirstNames) / sizeof(kFirstNames[0]);

const char* const kLastNames[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garc\xC3\xAD""a", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
    "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
    "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
    "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
    "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price",
    "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
    "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson",
    "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson",
    "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole",
    "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens",
    "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
    "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez",
    "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Mu\xC3\xB1oz", "Hunt", "Hicks", "Holmes",
    "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren",
    "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens",
    "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "M\xC3\xBCller", "Schneider",
    "Fischer", "Weber", "Becker", "Sch\xC3\xA4""fer", "Wang", "Zhang", "Liu", "Yang", "Huang",
    "Zhao", "Wu", "Zhou", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Kowalski", "Nowak",
    "Horvat", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Dubois",
    "Lef\xC3\xA8vre", "Girard", "Bonnet", "Lambert", "Fontaine", "Kumar", "Singh", "Sharma",
    "Gupta", "Reddy", "Iyer", "Shah", "Mehta", "Nakamura", "Kobayashi", "Ivanov", "Petrov",
    "Smirnov", "Kuznetsov", "Popescu", "Nielsen", "Jensen", "Hansen", "Larsen", "Andersen",
    "Johansson", "Karlsson", "Nilsson", "Eriksson", "Lindqvist", "Virtanen", "Korhonen",
    "O'Brien", "O'Connor", "O'Neill", "Byrne", "Doyle", "Walsh", "Okafor", "Mensah", "Adeyemi",
    "Nkosi", "Haddad", "Khalil", "Mansour", "Cohen", "Levi", "Friedman", "Santos", "Oliveira",
    "Pereira", "Costa", "Ferreira", "Gon\xC3\xA7""alves", "S\xC3\xB8rensen", "\xC3\x98stergaard",
    "N\xC3\xBA\xC3\xB1""ez", "de la Cruz", "Van der Berg", "Smith-Jones",
};
const std::size_t kLastNameCount = sizeof(kLastNames) / sizeof(kLastNames[0]);

const City kCities[] = {
    {"Seattle", "SEA", "WA", "US", "United States", "98101", "+1 206", "Pine Street"},
    {"New York", "NYC", "NY", "US", "United States", "10001", "+1 212", "Broadway"},
    {"London", "LON", "England", "GB", "United Kingdom", "EC2V 7HH", "+44 20", "Cheapside"},
    {"Chicago", "CHI", "IL", "US", "United States", "60601", "+1 312", "Michigan Avenue"},
    {"M\xC3\xBCnchen", "MUC", "Bayern", "DE", "Germany", "80331", "+49 89", "Leopoldstra\xC3\x9F""e"},
    {"Austin", "AUS", "TX", "US", "United States", "78701", "+1 512", "Congress Avenue"},
    {"Paris", "PAR", "\xC3\x8Ele-de-France", "FR", "France", "75008", "+33 1", "Rue de Rivoli"},
    {"Toronto", "TOR", "ON", "CA", "Canada", "M5H 2N2", "+1 416", "King Street West"},
    {"Bengaluru", "BLR", "Karnataka", "IN", "India", "560001", "+91 80", "MG Road"},
    {"Atlanta", "ATL", "GA", "US", "United States", "30303", "+1 404", "Peachtree Street"},
    {"S\xC3\xA3o Paulo", "SAO", "SP", "BR", "Brazil", "01310-100", "+55 11", "Avenida Paulista"},
    {"Tokyo", "TYO", "Tokyo", "JP", "Japan", "100-0005", "+81 3", "Marunouchi"},
    {"Boston", "BOS", "MA", "US", "United States", "02110", "+1 617", "Atlantic Avenue"},
    {"Dublin", "DUB", "Leinster", "IE", "Ireland", "D02 X285", "+353 1", "Grafton Street"},
    {"Sydney", "SYD", "NSW", "AU", "Australia", "2000", "+61 2", "George Street"},
    {"San Francisco", "SFO", "CA", "US", "United States", "94105", "+1 415", "Market Street"},
    {"Z\xC3\xBCrich", "ZRH", "ZH", "CH", "Switzerland", "8001", "+41 44", "Bahnhofstrasse"},
    {"Singapore", "SIN", "Singapore", "SG", "Singapore", "018956", "+65", "Marina Boulevard"},
    {"Montr\xC3\xA9""al", "MTL", "QC", "CA", "Canada", "H3B 4W8", "+1 514", "Rue Sainte-Catherine"},
    {"Amsterdam", "AMS", "Noord-Holland", "NL", "Netherlands", "1012 AB", "+31 20", "Herengracht"},
    {"Denver", "DEN", "CO", "US", "United States", "80202", "+1 303", "Larimer Street"},
    {"Madrid", "MAD", "Madrid", "ES", "Spain", "28013", "+34 91", "Gran V\xC3\xAD""a"},
    {"Mumbai", "BOM", "Maharashtra", "IN", "India", "400001", "+91 22", "Marine Drive"},
    {"Stockholm", "STO", "Stockholm", "SE", "Sweden", "111 57", "+46 8", "Drottninggatan"},
    {"Mexico City", "MEX", "CDMX", "MX", "Mexico", "06600", "+52 55", "Paseo de la Reforma"},
    {"Berlin", "BER", "Berlin", "DE", "Germany", "10117", "+49 30", "Friedrichstra\xC3\x9F""e"},
    {"Manchester", "MAN", "England", "GB", "United Kingdom", "M1 1AE", "+44 161", "Deansgate"},
    {"Vancouver", "VAN", "BC", "CA", "Canada", "V6B 1A1", "+1 604", "Granville Street"},
    {"Milano", "MIL", "Lombardia", "IT", "Italy", "20121", "+39 02", "Via Montenapoleone"},
    {"Johannesburg", "JNB", "Gauteng", "ZA", "South Africa", "2196", "+27 11", "Rivonia Road"},
    {"K\xC3\xB8""benhavn", "CPH", "Hovedstaden", "DK", "Denmark", "1050", "+45 33", "Str\xC3\xB8get"},
    {"Dubai", "DXB", "Dubai", "AE", "United Arab Emirates", "00000", "+971 4", "Sheikh Zayed Road"},
    {"Warszawa", "WAW", "Mazowieckie", "PL", "Poland", "00-001", "+48 22", "Marsza\xC5\x82kowska"},
    {"Melbourne", "MEL", "VIC", "AU", "Australia", "3000", "+61 3", "Collins Street"},
    {"Shanghai", "SHA", "Shanghai", "CN", "China", "200120", "+86 21", "Century Avenue"},
    {"Lyon", "LYS", "Auvergne-Rh\xC3\xB4ne-Alpes", "FR", "France", "69002", "+33 4", "Rue de la R\xC3\xA9publique"},
    {"Buenos Aires", "BUE", "CABA", "AR", "Argentina", "C1043", "+54 11", "Avenida Corrientes"},
    {"Seoul", "SEL", "Seoul", "KR", "South Korea", "04524", "+82 2", "Sejong-daero"},
    {"Auckland", "AKL", "Auckland", "NZ", "New Zealand", "1010", "+64 9", "Queen Street"},
    {"Redmond", "RED", "WA", "US", "United States", "98052", "+1 425", "NE 36th Street"},
};
const std::size_t kCityCount = sizeof(kCities) / sizeof(kCities[0]);

const Department kDepartments[] = {
    {"Sales", 18, {"Account Executive", "Sales Representative", "Inside Sales Specialist", "Sales Engineer"}},
    {"Engineering", 20, {"Software Engineer", "Senior Software Engineer", "Principal Engineer", "Test Engineer"}},
    {"Operations", 10, {"Operations Analyst", "Logistics Coordinator", "Operations Specialist", "Planner"}},
    {"Customer Support", 10, {"Support Engineer", "Customer Service Representative", "Escalation Engineer", "Support Analyst"}},
    {"Marketing", 7, {"Marketing Specialist", "Product Marketing Manager", "Content Writer", "Brand Strategist"}},
    {"Finance", 6, {"Financial Analyst", "Accountant", "Controller", "Payroll Specialist"}},
    {"IT", 6, {"Systems Administrator", "Network Engineer", "Service Desk Analyst", "Security Engineer"}},
    {"Research & Development", 6, {"Research Scientist", "Lab Technician", "Data Scientist", "Research Engineer"}},
    {"Human Resources", 4, {"HR Generalist", "Recruiter", "HR Business Partner", "Benefits Specialist"}},
    {"Quality Assurance", 3, {"QA Analyst", "Quality Engineer", "Compliance Auditor", "QA Specialist"}},
    {"Procurement", 3, {"Buyer", "Procurement Specialist", "Category Manager", "Vendor Analyst"}},
    {"Facilities", 3, {"Facilities Coordinator", "Maintenance Technician", "Office Manager", "Receptionist"}},
    {"Legal", 2, {"Attorney", "Paralegal", "Contracts Manager", "Legal Counsel"}},
    {"Executive Office", 2, {"Executive Assistant", "Chief of Staff", "Strategy Analyst", "Business Manager"}},
};
const std::size_t kDepartmentCount = sizeof(kDepartments) / sizeof(kDepartments[0]);

const char* const kGroupPurposes[] = {
    "Readers", "Contributors", "Owners", "Admins", "Team", "Project", "Approvers", "Remote Access",
    "Printers", "Leads", "Interns", "Announcements",
};
const std::size_t kGroupPurposeCount = sizeof(kGroupPurposes) / sizeof(kGroupPurposes[0]);

const Partner kPartners[] = {
    {"Litware", "litware.com"}, {"Proseware", "proseware.com"},
    {"Trey Research", "treyresearch.net"}, {"Lucerne Publishing", "lucernepublishing.com"},
    {"Margie's Travel", "margiestravel.com"}, {"Northwind Traders", "northwindtraders.com"},
    {"Wide World Importers", "wideworldimporters.com"}, {"Woodgrove Bank", "woodgrovebank.com"},
    {"Alpine Ski House", "alpineskihouse.com"}, {"Coho Winery", "cohowinery.com"},
    {"Humongous Insurance", "humongousinsurance.com"}, {"Blue Yonder Airlines", "blueyonderairlines.com"},
    {"City Power & Light", "cpandl.com"}, {"Fourth Coffee", "fourthcoffee.com"},
    {"Relecloud", "relecloud.com"}, {"Graphic Design Institute", "graphicdesigninstitute.com"},
};
const std::size_t kPartnerCount = sizeof(kPartners) / sizeof(kPartners[0]);

const char* const kAliasDomains[] = {
    "fabrikam.com", "tailspintoys.com", "wingtiptoys.com", "adatum.com", "adventure-works.com",
    "southridgevideo.com", "consolidatedmessenger.com", "fineartschool.net", "boseware.com",
    "vanarsdelltd.com",
};
const std::size_t kAliasDomainCount = sizeof(kAliasDomains) / sizeof(kAliasDomains[0]);

const char* const kServiceApps[] = {
    "sql", "backup", "web", "sccm", "exch", "sp", "iis", "crm", "scom", "adfs", "print", "scan",
};
const std::size_t kServiceAppCount = sizeof(kServiceApps) / sizeof(kServiceApps[0]);

// Group names that need RFC 4514 escaping; their sanitized sAMAccountNames stay distinct.
const char* const kSpecialGroupNames[] = {
    "#Announcements",
    "Sales + Marketing Leads",
    "Research, Development & Innovation",
    "\"Tiger Team\"",
    "Legal; Compliance Reviewers",
    "<Project Phoenix>",
    "Build\\Release Engineers",
};
const std::size_t kSpecialGroupNameCount = sizeof(kSpecialGroupNames) / sizeof(kSpecialGroupNames[0]);

const char* const kUserDescriptions[] = {
    "Contractor", "Temporary worker", "On parental leave", "Shared workstation user",
    "Intern - summer program", "Transferred from Fabrikam", "Consultant (external)",
    "Part-time", "Returning employee",
};
const std::size_t kUserDescriptionCount = sizeof(kUserDescriptions) / sizeof(kUserDescriptions[0]);

}  // namespace idsync::forestgen::tables
