"""Demo courses of the founding academies, as their trainers would write them.

Plain data, read by ``home.demo.courses``: courses by academy code, each with its modules
(StreamField blocks as ``(type, value)`` pairs) and its assessment.
"""

THEMES = [
    "Community policing",
    "Co-production of security",
    "Human-centred policing",
    "Protection of vulnerable groups",
    "Vigilant citizens and citizens' reserves",
    "Transparency and communication",
    "Crime-prevention partnerships",
]


def _tf(text, true, feedback, points=1):
    return {
        "kind": "true_false",
        "text": text,
        "points": points,
        "feedback": feedback,
        "choices": [
            {"text": "True", "is_correct": true, "feedback": ""},
            {"text": "False", "is_correct": not true, "feedback": ""},
        ],
    }


def _choice(kind, text, choices, feedback, points=1):
    return {
        "kind": kind,
        "text": text,
        "points": points,
        "feedback": feedback,
        "choices": [
            {"text": label, "is_correct": correct, "feedback": ""} for label, correct in choices
        ],
    }


def _open(text, feedback, points=2):
    return {
        "kind": "short_text",
        "text": text,
        "points": points,
        "feedback": feedback,
        "choices": [],
    }


COURSES = {
    "BRU": [
        {
            "title": "Neighbourhood policing in a multilingual district",
            "slug": "neighbourhood-policing-multilingual-district",
            "summary": (
                "How neighbourhood officers of Brussels North get to know a district where "
                "more than forty languages are spoken, build trust with residents and turn "
                "complaints into shared solutions."
            ),
            "learning_objectives": (
                "<ul><li>Draw up a portrait of your beat with residents and partners</li>"
                "<li>Run a conversation through an interpreter or a cultural mediator</li>"
                "<li>Follow a complaint from first contact to an agreed solution</li></ul>"
            ),
            "audience": "Neighbourhood officers and their team leaders.",
            "themes": ["Community policing"],
            "languages": ["fr", "nl"],
            "level": "introductory",
            "cpd_hours": "6.0",
            "modules_in_order": True,
            "modules": [
                {
                    "title": "Knowing your beat",
                    "slug": "knowing-your-beat",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        ("heading", "A portrait of the district"),
                        (
                            "paragraph",
                            "<p>Before you can solve problems with residents you need to know "
                            "who lives on your beat: families, shopkeepers, schools, places of "
                            "worship, associations, and the people nobody sees.</p>"
                            "<ul><li>Walk the beat at different times of day</li>"
                            "<li>List the key people who already hold the district together</li>"
                            "<li>Note what residents worry about, in their own words</li></ul>",
                        ),
                        (
                            "quote",
                            {
                                "quote": "The police are the public and the public are the police.",
                                "attribution": "Sir Robert Peel, principles of policing",
                            },
                        ),
                        (
                            "reflection",
                            {
                                "question": "Which three people on your beat would you call "
                                "first if tension rose in the street?",
                                "guidance": "If you cannot name them, start there this week.",
                            },
                        ),
                    ],
                },
                {
                    "title": "Working with interpreters and cultural mediators",
                    "slug": "interpreters-and-mediators",
                    "estimated_minutes": 40,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>An interpreter translates words; a cultural mediator helps both "
                            "sides understand what is meant. Brief them before the "
                            "conversation and speak to the resident, not to them.</p>",
                        ),
                        (
                            "callout",
                            {
                                "kind": "legal",
                                "text": "<p>For a formal hearing only a sworn interpreter may "
                                "be used. Relatives, and children above all, never "
                                "interpret.</p>",
                            },
                        ),
                        (
                            "case_study",
                            {
                                "title": "The shop on the corner",
                                "scenario": "<p>A shopkeeper who speaks little French reports "
                                "repeated thefts but refuses to file a complaint. His nephew "
                                "offers to translate.</p>",
                                "questions": [
                                    "Why should the nephew not interpret?",
                                    "What could a cultural mediator bring to this situation?",
                                ],
                            },
                        ),
                        (
                            "key_points",
                            {
                                "title": "Key points",
                                "points": [
                                    "Brief the interpreter on the context and the goal",
                                    "Speak in short sentences, directly to the resident",
                                    "Check understanding by asking the resident to rephrase",
                                ],
                            },
                        ),
                    ],
                },
                {
                    "title": "From complaint to shared solution",
                    "slug": "complaint-to-solution",
                    "estimated_minutes": 35,
                    "required": True,
                    "body": [
                        ("heading", "Problem-solving with residents"),
                        (
                            "paragraph",
                            "<p>Recurring complaints (noise, litter, dealing near a school) are "
                            "rarely solved by patrols alone. Bring the people concerned around "
                            "the table, agree on what each does, and report back.</p>",
                        ),
                        (
                            "callout",
                            {
                                "kind": "tip",
                                "text": "<p>Write down who promised what at the end of each "
                                "meeting and send it to everyone within two days.</p>",
                            },
                        ),
                        (
                            "reflection",
                            {
                                "question": "Which complaint on your beat keeps coming back?",
                                "guidance": "Who, besides the police, could change it?",
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "Neighbourhood policing: check your knowledge",
                "slug": "check-your-knowledge",
                "instructions": "<p>Four questions on the course. You need 70% to pass.</p>",
                "pass_mark": 70,
                "attempts_allowed": 3,
                "time_limit_minutes": 15,
                "questions": [
                    _choice(
                        "single",
                        "Who should interpret during a formal hearing?",
                        [
                            ("A sworn interpreter", True),
                            ("A relative of the person heard", False),
                            ("A colleague who speaks the language a little", False),
                        ],
                        "Only a sworn interpreter guarantees an accurate, neutral record.",
                    ),
                    _choice(
                        "multiple",
                        "Which of these help you draw a portrait of your beat?",
                        [
                            ("Walking it at different times of day", True),
                            ("Listing the key people of the district", True),
                            ("Relying only on crime statistics", False),
                            ("Noting residents' worries in their own words", True),
                        ],
                        "Statistics help, but only residents tell you what it feels like.",
                        points=2,
                    ),
                    _tf(
                        "A cultural mediator only translates words.",
                        False,
                        "A mediator helps both sides understand what is meant, not just said.",
                    ),
                    _open(
                        "Describe one recurring problem on your beat and who could help you "
                        "solve it.",
                        "Your trainer reads and grades this answer.",
                    ),
                ],
            },
        },
        {
            "title": "De-escalation in everyday interventions",
            "slug": "de-escalation-everyday-interventions",
            "summary": (
                "Most interventions start calmly and can end badly. This course trains the "
                "words, distance and attitude that keep a situation under control without "
                "force."
            ),
            "learning_objectives": (
                "<ul><li>Recognise early signs that a situation is escalating</li>"
                "<li>Use voice, distance and words to lower the tension</li>"
                "<li>Debrief an intervention with your team</li></ul>"
            ),
            "audience": "Patrol officers and first responders.",
            "themes": ["Human-centred policing"],
            "languages": ["fr", "nl", "en"],
            "level": "intermediate",
            "cpd_hours": "4.0",
            "modules_in_order": False,
            "modules": [
                {
                    "title": "Reading the situation",
                    "slug": "reading-the-situation",
                    "estimated_minutes": 25,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>Clenched fists, a raised voice, pacing, a crowd gathering: "
                            "tension shows before it explodes. Name what you see to your "
                            "partner and agree who speaks.</p>",
                        ),
                        (
                            "key_points",
                            {
                                "title": "Early signs",
                                "points": [
                                    "Voice getting louder or faster",
                                    "Restless movement, invading your space",
                                    "Bystanders taking sides",
                                ],
                            },
                        ),
                        (
                            "callout",
                            {
                                "kind": "warning",
                                "text": "<p>Keep a safe distance and an exit route before you "
                                "start talking.</p>",
                            },
                        ),
                    ],
                },
                {
                    "title": "Words that lower the tension",
                    "slug": "words-that-lower-the-tension",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        ("heading", "Talk first"),
                        (
                            "paragraph",
                            "<p>Introduce yourself, explain why you are there, and give the "
                            "person a choice where you can. People calm down when they feel "
                            "heard and respected.</p>",
                        ),
                        (
                            "case_study",
                            {
                                "title": "The parking dispute",
                                "scenario": "<p>Two neighbours shout at each other over a "
                                "parking space. One of them films you with his phone.</p>",
                                "questions": [
                                    "What do you say first, and to whom?",
                                    "How do you handle being filmed?",
                                ],
                            },
                        ),
                        (
                            "quote",
                            {
                                "quote": "Respect is the first tool of a police officer.",
                                "attribution": "Trainer of the Brussels North academy",
                            },
                        ),
                    ],
                },
                {
                    "title": "After the intervention",
                    "slug": "after-the-intervention",
                    "estimated_minutes": 20,
                    "required": False,
                    "body": [
                        (
                            "paragraph",
                            "<p>A short debrief with your partner turns every intervention "
                            "into a lesson: what worked, what did not, what you would do "
                            "differently.</p>",
                        ),
                        (
                            "reflection",
                            {
                                "question": "Think of an intervention that went well. What "
                                "did you say in the first minute?",
                                "guidance": "Write it down and share it with your team.",
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "De-escalation: final check",
                "slug": "final-check",
                "instructions": "<p>Answer the questions; you may try twice.</p>",
                "pass_mark": 75,
                "attempts_allowed": 2,
                "time_limit_minutes": None,
                "questions": [
                    _choice(
                        "single",
                        "What do you secure before starting to talk?",
                        [
                            ("A safe distance and an exit route", True),
                            ("The identity papers of everyone present", False),
                            ("A quiet place indoors", False),
                        ],
                        "Your safety and the other person's come first.",
                    ),
                    _choice(
                        "multiple",
                        "Which are early signs of escalation?",
                        [
                            ("A voice getting louder or faster", True),
                            ("Bystanders taking sides", True),
                            ("A person sitting down to talk", False),
                            ("Restless movement towards you", True),
                        ],
                        "Sitting down is usually a sign of calming.",
                        points=2,
                    ),
                    _tf(
                        "Giving the person a choice can help calm a situation.",
                        True,
                        "A choice gives back a sense of control.",
                    ),
                ],
            },
        },
    ],
    "LIS": [
        {
            "title": "Local safety contracts: co-producing security",
            "slug": "local-safety-contracts",
            "summary": (
                "Lisbon's local safety contracts bring residents, shopkeepers, schools and "
                "social services together with the police. Learn how to set one up, run it "
                "and measure what it changes."
            ),
            "learning_objectives": (
                "<ul><li>Explain what a local safety contract is and is not</li>"
                "<li>Map the partners of a neighbourhood</li>"
                "<li>Agree on shared goals and indicators</li></ul>"
            ),
            "audience": "Officers and coordinators working with local partners.",
            "themes": ["Co-production of security", "Crime-prevention partnerships"],
            "languages": ["pt", "en"],
            "level": "intermediate",
            "cpd_hours": "8.0",
            "modules_in_order": True,
            "modules": [
                {
                    "title": "What a local safety contract is",
                    "slug": "what-a-contract-is",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>A local safety contract is a written agreement between the "
                            "municipality, the police and local partners on a few concrete "
                            "goals for one neighbourhood, for one or two years.</p>",
                        ),
                        (
                            "callout",
                            {
                                "kind": "legal",
                                "text": "<p>The contract creates no new police powers: each "
                                "partner acts within its own mandate.</p>",
                            },
                        ),
                        (
                            "quote",
                            {
                                "quote": "Security is not delivered to residents; it is "
                                "produced with them.",
                                "attribution": "Lisbon Municipal Police",
                            },
                        ),
                    ],
                },
                {
                    "title": "Mapping partners and residents",
                    "slug": "mapping-partners",
                    "estimated_minutes": 35,
                    "required": True,
                    "body": [
                        ("heading", "Who is already at work?"),
                        (
                            "paragraph",
                            "<p>Parish councils, residents' associations, schools, shopkeepers "
                            "and social services often know the problems before the police "
                            "do. Start by listing them and what they can bring.</p>",
                        ),
                        (
                            "case_study",
                            {
                                "title": "The market square",
                                "scenario": "<p>Shopkeepers complain about night-time "
                                "vandalism on the market square; residents complain about "
                                "noise from the bars.</p>",
                                "questions": [
                                    "Which partners would you invite?",
                                    "What shared goal could they agree on?",
                                ],
                            },
                        ),
                        (
                            "key_points",
                            {
                                "title": "Key points",
                                "points": [
                                    "Invite those who suffer the problem and those who can act",
                                    "Agree on a few goals, not a long list",
                                    "Name one contact person per partner",
                                ],
                            },
                        ),
                    ],
                },
                {
                    "title": "Running and evaluating the contract",
                    "slug": "running-and-evaluating",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>Meet every quarter, compare the indicators you agreed on "
                            "(reports, feeling of safety, repairs done) and adjust the "
                            "actions.</p>",
                        ),
                        (
                            "reflection",
                            {
                                "question": "How would residents know that the contract "
                                "changed something?",
                                "guidance": "Think of what they would see, not what the "
                                "police would count.",
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "Local safety contracts: check your knowledge",
                "slug": "check-your-knowledge",
                "instructions": "<p>Four questions. Pass mark 70%.</p>",
                "pass_mark": 70,
                "attempts_allowed": 2,
                "time_limit_minutes": 20,
                "questions": [
                    _choice(
                        "single",
                        "How long does a local safety contract usually run?",
                        [
                            ("One or two years", True),
                            ("One month", False),
                            ("Without end", False),
                        ],
                        "A limited period keeps the goals concrete and reviewable.",
                    ),
                    _choice(
                        "multiple",
                        "Who can be a partner of a local safety contract?",
                        [
                            ("A residents' association", True),
                            ("A school", True),
                            ("Social services", True),
                            ("Only police services", False),
                        ],
                        "The point is to bring in those who are not the police.",
                        points=2,
                    ),
                    _tf(
                        "A local safety contract gives the police new powers.",
                        False,
                        "Each partner keeps acting within its own mandate.",
                    ),
                    _open(
                        "Name one indicator that residents themselves would notice.",
                        "Your trainer reads and grades this answer.",
                    ),
                ],
            },
        },
        {
            "title": "Protecting elderly people living alone",
            "slug": "protecting-elderly-people",
            "summary": (
                "Older people living alone are the favourite targets of scams and are at "
                "risk of abuse and isolation. Learn to recognise the signs and to act with "
                "the city's social services."
            ),
            "learning_objectives": (
                "<ul><li>Recognise signs of isolation, neglect and abuse</li>"
                "<li>Explain the most common scams to older residents</li>"
                "<li>Refer a situation to the right social service</li></ul>"
            ),
            "audience": "Proximity officers and staff in contact with older residents.",
            "themes": ["Protection of vulnerable groups"],
            "languages": ["pt"],
            "level": "introductory",
            "cpd_hours": "5.0",
            "modules_in_order": False,
            "modules": [
                {
                    "title": "Recognising isolation and risk",
                    "slug": "recognising-isolation",
                    "estimated_minutes": 25,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>Post piling up, closed shutters in the daytime, a neighbour "
                            "who has not been seen for days: small signs call for a visit.</p>",
                        ),
                        (
                            "key_points",
                            {
                                "title": "Warning signs",
                                "points": [
                                    "Letters and newspapers piling up",
                                    "Unusual visitors or sudden new 'friends'",
                                    "Unpaid bills, no food at home",
                                ],
                            },
                        ),
                        (
                            "reflection",
                            {
                                "question": "Who on your beat lives alone and has nobody "
                                "checking in?",
                                "guidance": "Shopkeepers and parish staff often know.",
                            },
                        ),
                    ],
                },
                {
                    "title": "Scams and abuse targeting older people",
                    "slug": "scams-and-abuse",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        ("heading", "The false technician and the false grandchild"),
                        (
                            "paragraph",
                            "<p>Fraudsters pose as gas technicians, police officers or "
                            "grandchildren in trouble. They create urgency and ask for cash "
                            "or bank cards.</p>",
                        ),
                        (
                            "callout",
                            {
                                "kind": "tip",
                                "text": "<p>Tell residents: a real police officer never asks "
                                "for your bank card or your PIN.</p>",
                            },
                        ),
                        (
                            "case_study",
                            {
                                "title": "The urgent phone call",
                                "scenario": "<p>Mrs S., 84, received a call from her "
                                "'grandson' who needs money for a lawyer. A courier will "
                                "come to collect it.</p>",
                                "questions": [
                                    "What do you do if you learn of this before the courier "
                                    "arrives?",
                                    "How would you follow up with Mrs S. afterwards?",
                                ],
                            },
                        ),
                    ],
                },
                {
                    "title": "Working with social services",
                    "slug": "working-with-social-services",
                    "estimated_minutes": 20,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>The police are often the first to notice a situation but "
                            "rarely the ones who can solve it. Refer to the city's social "
                            "action department and agree on who visits next.</p>",
                        ),
                        (
                            "quote",
                            {
                                "quote": "A referral is only done when someone knocks on the door.",
                                "attribution": "Social worker, Lisbon",
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "Protecting elderly people: check your knowledge",
                "slug": "check-your-knowledge",
                "instructions": "<p>Three questions. Pass mark 60%.</p>",
                "pass_mark": 60,
                "attempts_allowed": 3,
                "time_limit_minutes": None,
                "questions": [
                    _choice(
                        "single",
                        "What should you tell older residents about bank cards?",
                        [
                            ("A real police officer never asks for your card or PIN", True),
                            ("Give the card only to officers in uniform", False),
                            ("Keep the PIN written on the card", False),
                        ],
                        "No genuine service asks for a card or a PIN at the door.",
                    ),
                    _choice(
                        "multiple",
                        "Which are warning signs of isolation?",
                        [
                            ("Letters piling up", True),
                            ("No food at home", True),
                            ("Regular visits from family", False),
                        ],
                        "Regular family visits are a protective factor.",
                        points=2,
                    ),
                    _tf(
                        "A referral to social services is complete once the form is sent.",
                        False,
                        "Agree on who visits next and check that it happened.",
                    ),
                ],
            },
        },
    ],
    "MAD": [
        {
            "title": "Mediation of neighbourhood conflicts",
            "slug": "mediation-neighbourhood-conflicts",
            "summary": (
                "Madrid's community police mediate thousands of neighbourhood conflicts each "
                "year. This course teaches when mediation fits, how to run a mediation "
                "meeting and how to make agreements last."
            ),
            "learning_objectives": (
                "<ul><li>Tell a conflict that can be mediated from an offence</li>"
                "<li>Run a mediation meeting step by step</li>"
                "<li>Write an agreement both parties can keep</li></ul>"
            ),
            "audience": "Community police officers and agents de proximidad.",
            "themes": ["Human-centred policing", "Community policing"],
            "languages": ["es"],
            "level": "intermediate",
            "cpd_hours": "10.0",
            "modules_in_order": True,
            "modules": [
                {
                    "title": "Conflict or offence?",
                    "slug": "conflict-or-offence",
                    "estimated_minutes": 25,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>Noise, shared spaces, pets, parking: most neighbourhood "
                            "conflicts are not offences. Mediation fits when both parties "
                            "take part voluntarily and nobody is at risk.</p>",
                        ),
                        (
                            "callout",
                            {
                                "kind": "warning",
                                "text": "<p>Never mediate when there is violence, threats or "
                                "a clear imbalance of power between the parties.</p>",
                            },
                        ),
                        (
                            "key_points",
                            {
                                "title": "Mediation fits when",
                                "points": [
                                    "Both parties agree to take part",
                                    "Nobody is in danger",
                                    "The conflict concerns their living together",
                                ],
                            },
                        ),
                    ],
                },
                {
                    "title": "The mediation meeting",
                    "slug": "the-mediation-meeting",
                    "estimated_minutes": 40,
                    "required": True,
                    "body": [
                        ("heading", "Five steps"),
                        (
                            "paragraph",
                            "<p>Welcome and rules, each party's story, the needs behind the "
                            "positions, options, and the agreement. The mediator stays "
                            "impartial and keeps the process, not the solution.</p>",
                        ),
                        (
                            "case_study",
                            {
                                "title": "The barking dog",
                                "scenario": "<p>A retired couple cannot sleep because of the "
                                "neighbour's dog, left alone on the balcony while its owner "
                                "works nights.</p>",
                                "questions": [
                                    "What need lies behind each party's position?",
                                    "Which options could they propose themselves?",
                                ],
                            },
                        ),
                        (
                            "quote",
                            {
                                "quote": "The mediator owns the process; the parties own "
                                "the solution.",
                                "attribution": "Madrid City Police mediation unit",
                            },
                        ),
                    ],
                },
                {
                    "title": "Agreements that last",
                    "slug": "agreements-that-last",
                    "estimated_minutes": 25,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>A good agreement says who does what, by when, and how the "
                            "parties will check it. Call both of them a month later.</p>",
                        ),
                        (
                            "reflection",
                            {
                                "question": "Which agreement you helped reach did not hold? Why?",
                                "guidance": "Was it concrete enough? Was it really theirs?",
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "Mediation: check your knowledge",
                "slug": "check-your-knowledge",
                "instructions": "<p>Four questions; 70% to pass.</p>",
                "pass_mark": 70,
                "attempts_allowed": 2,
                "time_limit_minutes": 20,
                "questions": [
                    _choice(
                        "single",
                        "When must you not offer mediation?",
                        [
                            ("When there are threats or violence", True),
                            ("When the parties are neighbours", False),
                            ("When the conflict is about noise", False),
                        ],
                        "Mediation requires safety and free participation.",
                    ),
                    _choice(
                        "multiple",
                        "What does a lasting agreement state?",
                        [
                            ("Who does what", True),
                            ("By when", True),
                            ("How the parties will check it", True),
                            ("Which party was right", False),
                        ],
                        "Mediation is not about deciding who was right.",
                        points=2,
                    ),
                    _tf(
                        "The mediator proposes the solution to the parties.",
                        False,
                        "The parties own the solution; the mediator owns the process.",
                    ),
                    _open(
                        "Describe a neighbourhood conflict you would refer to mediation, and why.",
                        "Your trainer reads and grades this answer.",
                    ),
                ],
            },
        },
        {
            "title": "Supporting victims of gender-based violence",
            "slug": "supporting-victims-gender-based-violence",
            "summary": (
                "The first contact with a victim of gender-based violence shapes everything "
                "that follows. Learn to listen, assess the risk and coordinate with "
                "specialised services."
            ),
            "learning_objectives": (
                "<ul><li>Receive a victim's account without judging or re-victimising</li>"
                "<li>Use a risk assessment to decide on protection measures</li>"
                "<li>Coordinate with specialised support services</li></ul>"
            ),
            "audience": "Officers who receive complaints and follow up on victims.",
            "themes": ["Protection of vulnerable groups"],
            "languages": ["es", "en"],
            "level": "advanced",
            "cpd_hours": "12.0",
            "modules_in_order": True,
            "modules": [
                {
                    "title": "First contact with the victim",
                    "slug": "first-contact",
                    "estimated_minutes": 35,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>Find a private place, introduce yourself, believe what you "
                            "hear and explain what will happen next. Avoid questions that "
                            "suggest the victim is to blame.</p>",
                        ),
                        (
                            "callout",
                            {
                                "kind": "warning",
                                "text": "<p>Never take the statement in front of the alleged "
                                "aggressor or the children.</p>",
                            },
                        ),
                        (
                            "quote",
                            {
                                "quote": "The first officer a victim meets can open or close "
                                "the door to help.",
                                "attribution": "Madrid City Police family unit",
                            },
                        ),
                    ],
                },
                {
                    "title": "Risk assessment and protection",
                    "slug": "risk-assessment",
                    "estimated_minutes": 40,
                    "required": True,
                    "body": [
                        ("heading", "Assess, then protect"),
                        (
                            "paragraph",
                            "<p>The risk assessment is filled in with the victim and "
                            "reviewed whenever the situation changes. The level of risk "
                            "decides the protection measures.</p>",
                        ),
                        (
                            "case_study",
                            {
                                "title": "A second call",
                                "scenario": "<p>Three weeks after a first complaint, the "
                                "victim calls again: her former partner waits outside her "
                                "workplace.</p>",
                                "questions": [
                                    "What does this change in the risk assessment?",
                                    "Which measures can be taken today?",
                                ],
                            },
                        ),
                        (
                            "key_points",
                            {
                                "title": "Key points",
                                "points": [
                                    "Assess with the victim, not about her",
                                    "Review the risk at every new event",
                                    "Record what was decided and why",
                                ],
                            },
                        ),
                    ],
                },
                {
                    "title": "Coordinating with specialised services",
                    "slug": "coordinating-services",
                    "estimated_minutes": 25,
                    "required": False,
                    "body": [
                        (
                            "paragraph",
                            "<p>Shelters, legal aid, health and social services each have "
                            "their role. Know their contacts and agree on how information "
                            "is shared.</p>",
                        ),
                        (
                            "reflection",
                            {
                                "question": "Do you know the 24-hour contact of the victims' "
                                "support service in your district?",
                                "guidance": "If not, find it and save it in your phone.",
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "Supporting victims: final check",
                "slug": "final-check",
                "instructions": "<p>Four questions; 80% to pass.</p>",
                "pass_mark": 80,
                "attempts_allowed": 2,
                "time_limit_minutes": None,
                "questions": [
                    _choice(
                        "single",
                        "Where do you take the victim's statement?",
                        [
                            ("In a private place, away from the alleged aggressor", True),
                            ("At the door, to save time", False),
                            ("In front of the family, for support", False),
                        ],
                        "Privacy and safety first.",
                    ),
                    _choice(
                        "multiple",
                        "When must the risk assessment be reviewed?",
                        [
                            ("At every new event", True),
                            ("When the victim reports a change", True),
                            ("Never, once it is filled in", False),
                        ],
                        "Risk changes over time.",
                        points=2,
                    ),
                    _tf(
                        "Questions suggesting the victim is to blame help establish the facts.",
                        False,
                        "They re-victimise and close the door to help.",
                    ),
                    _tf(
                        "The risk level decides the protection measures.",
                        True,
                        "The assessment exists to decide proportionate protection.",
                    ),
                ],
            },
        },
    ],
    "NCE": [
        {
            "title": "Running a citizens' reserve",
            "slug": "running-a-citizens-reserve",
            "summary": (
                "Nice's citizens' reserve brings volunteers alongside the municipal police for "
                "events, prevention and support. Learn the legal framework and how to recruit, "
                "train and lead volunteers."
            ),
            "learning_objectives": (
                "<ul><li>Explain what reservists may and may not do</li>"
                "<li>Recruit and train volunteers</li>"
                "<li>Plan joint missions safely</li></ul>"
            ),
            "audience": "Officers who coordinate volunteers and vigilant-citizen schemes.",
            "themes": ["Vigilant citizens and citizens' reserves"],
            "languages": ["fr"],
            "level": "intermediate",
            "cpd_hours": "7.0",
            "modules_in_order": True,
            "modules": [
                {
                    "title": "The legal framework",
                    "slug": "legal-framework",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>Reservists support the police in prevention, events and "
                            "information to the public. They have no police powers and never "
                            "take part in arrests.</p>",
                        ),
                        (
                            "callout",
                            {
                                "kind": "legal",
                                "text": "<p>Check the reservist's agreement and insurance "
                                "before any mission.</p>",
                            },
                        ),
                        (
                            "key_points",
                            {
                                "title": "Reservists may",
                                "points": [
                                    "Inform and guide the public",
                                    "Support prevention campaigns",
                                    "Report what they observe to the police",
                                ],
                            },
                        ),
                    ],
                },
                {
                    "title": "Recruiting and training volunteers",
                    "slug": "recruiting-and-training",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        ("heading", "Good volunteers, well prepared"),
                        (
                            "paragraph",
                            "<p>Look for people rooted in their neighbourhood, check their "
                            "background, and give them a first training on the framework, "
                            "communication and safety.</p>",
                        ),
                        (
                            "quote",
                            {
                                "quote": "A volunteer who feels useful stays; one who feels "
                                "used leaves.",
                                "attribution": "Coordinator of the Nice citizens' reserve",
                            },
                        ),
                        (
                            "reflection",
                            {
                                "question": "What would make a resident of your district "
                                "want to volunteer?",
                                "guidance": "Ask three residents this week.",
                            },
                        ),
                    ],
                },
                {
                    "title": "Working together on the ground",
                    "slug": "working-together",
                    "estimated_minutes": 25,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>Every joint mission has a briefing, a named officer in "
                            "charge, a way to call for help and a debrief.</p>",
                        ),
                        (
                            "case_study",
                            {
                                "title": "The summer festival",
                                "scenario": "<p>Six reservists help at the entrance of a "
                                "festival on the Promenade. A fight breaks out nearby.</p>",
                                "questions": [
                                    "What should the reservists do?",
                                    "What must the briefing have told them beforehand?",
                                ],
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "Citizens' reserve: check your knowledge",
                "slug": "check-your-knowledge",
                "instructions": "<p>Three questions; 70% to pass; 15 minutes.</p>",
                "pass_mark": 70,
                "attempts_allowed": 3,
                "time_limit_minutes": 15,
                "questions": [
                    _choice(
                        "single",
                        "During a fight nearby, reservists:",
                        [
                            ("Keep the public away and call the officer in charge", True),
                            ("Separate the people fighting", False),
                            ("Arrest the aggressor", False),
                        ],
                        "Reservists have no police powers.",
                    ),
                    _choice(
                        "multiple",
                        "What does every joint mission include?",
                        [
                            ("A briefing", True),
                            ("A named officer in charge", True),
                            ("A debrief", True),
                            ("Weapons for the reservists", False),
                        ],
                        "Reservists are never armed.",
                        points=2,
                    ),
                    _tf(
                        "Reservists may take part in arrests if an officer asks them to.",
                        False,
                        "They never take part in arrests.",
                    ),
                ],
            },
        },
        {
            "title": "Transparency and public meetings",
            "slug": "transparency-and-public-meetings",
            "summary": (
                "Residents trust a police force that explains what it does. This course "
                "covers public neighbourhood meetings, answering hard questions and "
                "publishing open data about local policing."
            ),
            "learning_objectives": (
                "<ul><li>Prepare and chair a public neighbourhood meeting</li>"
                "<li>Answer hard questions honestly</li>"
                "<li>Report back with open data</li></ul>"
            ),
            "audience": "Unit heads and officers who meet the public.",
            "themes": ["Transparency and communication"],
            "languages": ["fr", "en"],
            "level": "introductory",
            "cpd_hours": "3.0",
            "modules_in_order": False,
            "modules": [
                {
                    "title": "Why transparency builds trust",
                    "slug": "why-transparency",
                    "estimated_minutes": 20,
                    "required": True,
                    "body": [
                        (
                            "paragraph",
                            "<p>People accept decisions better when they understand them. "
                            "Explaining priorities, results and mistakes is part of the "
                            "job.</p>",
                        ),
                        (
                            "quote",
                            {
                                "quote": "Trust is built in drops and lost in buckets.",
                                "attribution": "Popular saying",
                            },
                        ),
                        (
                            "reflection",
                            {
                                "question": "When did residents last learn something about "
                                "your work from you rather than from social media?",
                                "guidance": "",
                            },
                        ),
                    ],
                },
                {
                    "title": "Preparing a public meeting",
                    "slug": "preparing-a-public-meeting",
                    "estimated_minutes": 30,
                    "required": True,
                    "body": [
                        ("heading", "Before, during, after"),
                        (
                            "paragraph",
                            "<p>Announce the meeting two weeks ahead, collect questions in "
                            "advance, bring figures for the neighbourhood, and publish a "
                            "summary afterwards.</p>",
                        ),
                        (
                            "case_study",
                            {
                                "title": "The angry question",
                                "scenario": "<p>A resident stands up: 'You never come when we "
                                "call about the dealing in our building.'</p>",
                                "questions": [
                                    "How do you answer without promising what you cannot do?",
                                    "What do you commit to report back on?",
                                ],
                            },
                        ),
                        (
                            "callout",
                            {
                                "kind": "tip",
                                "text": "<p>Never discuss an ongoing investigation; explain "
                                "why you cannot.</p>",
                            },
                        ),
                    ],
                },
                {
                    "title": "Open data and reporting back",
                    "slug": "open-data",
                    "estimated_minutes": 20,
                    "required": False,
                    "body": [
                        (
                            "paragraph",
                            "<p>Publishing response times, reports by neighbourhood and "
                            "actions taken lets residents follow progress themselves.</p>",
                        ),
                        (
                            "key_points",
                            {
                                "title": "Key points",
                                "points": [
                                    "Publish regularly, not only good news",
                                    "Protect personal data: aggregate by area",
                                    "Explain the figures in plain words",
                                ],
                            },
                        ),
                    ],
                },
            ],
            "assessment": {
                "title": "Transparency: check your knowledge",
                "slug": "check-your-knowledge",
                "instructions": "<p>Three questions; 60% to pass.</p>",
                "pass_mark": 60,
                "attempts_allowed": 2,
                "time_limit_minutes": None,
                "questions": [
                    _choice(
                        "single",
                        "When should a public meeting be announced?",
                        [
                            ("About two weeks ahead", True),
                            ("The day before", False),
                            ("It should not be announced", False),
                        ],
                        "Residents need time to come and send questions.",
                    ),
                    _choice(
                        "multiple",
                        "Good practice for open data:",
                        [
                            ("Publish regularly", True),
                            ("Aggregate by area to protect personal data", True),
                            ("Publish only good results", False),
                        ],
                        "Selective publication destroys trust.",
                        points=2,
                    ),
                    _tf(
                        "You may give details of an ongoing investigation at a public meeting.",
                        False,
                        "Explain why you cannot discuss it.",
                    ),
                ],
            },
        },
    ],
}
